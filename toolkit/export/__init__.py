"""What leaves a workspace: pseudonymised bundles, their aggregation, Excel workbooks.

Nothing here exports identity. ``bundle`` writes a bundle (its docstring lists what is
kept, generalised and dropped; ``pseudonym`` the keyed hashes and URL patterns);
``bundle_check`` and ``aggregate`` verify and merge bundles; ``xlsx`` writes the workbook,
``smallcells`` suppresses small cells and ``safecell`` neutralises formula injection.
"""
