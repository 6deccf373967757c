"""The procedural timeline of a demand: events, deadlines and the remedies that follow.

Pure functions over dated inputs (:mod:`toolkit.timeline.engine`,
:mod:`toolkit.timeline.remedies`), a rules file with the source and mark of every delay
(``rules.toml``), and the gathering of an applicant's facts from a workspace
(:func:`procedural_timeline`). Sits at the layer of ``indicators``.
"""
