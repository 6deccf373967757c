"""guichets: evidence toolkit for saturated préfecture booking systems.

The public API, for notebooks and scripts::

    import toolkit
    ws = toolkit.open_workspace("workspace")
    toolkit.prefecture_indicators(ws, by="month")     # a pandas DataFrame

Names are resolved lazily so that ``import toolkit`` (and ``guichets --help``) stays
instant; heavy libraries load only when a function that needs them runs.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from toolkit._version import __version__

_API: dict[str, str] = {
    # workspace and evidence
    "Workspace": "toolkit.workspace",
    "open_workspace": "toolkit.workspace",
    "init_workspace": "toolkit.workspace",
    "verify_workspace": "toolkit.verify",
    "verify_folder": "toolkit.verify",
    # applicants and contacts
    "add_applicant": "toolkit.applicants",
    "get_applicant": "toolkit.applicants",
    "list_applicants": "toolkit.applicants",
    "show_applicant": "toolkit.applicants",
    "update_applicant": "toolkit.applicants",
    "add_demand": "toolkit.demands",
    "update_demand": "toolkit.demands",
    "list_demands": "toolkit.demands",
    "add_contact": "toolkit.contacts",
    # ingest
    "ingest_screenshots": "toolkit.ingest.screenshots",
    "ingest_captures": "toolkit.ingest.captures",
    "ingest_crawl": "toolkit.ingest.crawl",
    "explain_crawl": "toolkit.ingest.crawl",
    "list_sources": "toolkit.ingest.sources",
    "remove_source": "toolkit.ingest.sources",
    "ingest_documents": "toolkit.ingest.documents",
    "ingest_files": "toolkit.ingest.route",
    "describe_source": "toolkit.sources",
    "crawl_sources": "toolkit.sources",
    # capture and timestamps
    "capture_page": "toolkit.capture.record",
    "timestamp_files": "toolkit.capture.timestamps",
    "complete_pending": "toolkit.capture.timestamps",
    "verify_tokens": "toolkit.capture.verify_tokens",
    # classification
    "classify_html": "toolkit.classify.signatures",
    "classify_text": "toolkit.classify.signatures",
    "reclassify": "toolkit.ingest.reclassify",
    # facts and indicators
    "attempts": "toolkit.attempts",
    "attempt_records": "toolkit.attempts",
    "document_records": "toolkit.attempts",
    "review_items": "toolkit.review",
    "review_attempt": "toolkit.review",
    "prefecture_indicators": "toolkit.indicators.prefecture",
    "applicant_indicators": "toolkit.indicators.applicant",
    "corroborate": "toolkit.indicators.corroboration",
    "check_readiness": "toolkit.indicators.readiness",
    # procedural timeline (ANEF, silence, deadlines, remedies)
    "add_event": "toolkit.timeline.events",
    "list_events": "toolkit.timeline.events",
    "remove_event": "toolkit.timeline.events",
    "procedural_timeline": "toolkit.timeline.gather",
    "upcoming_deadlines": "toolkit.timeline.gather",
    # charts
    "prefecture_chart": "toolkit.charts.prefecture",
    "applicant_chart": "toolkit.charts.applicant",
    "france_map": "toolkit.charts.map",
    # documents
    "build_exhibits": "toolkit.documents.exhibits",
    "build_letter": "toolkit.documents.letters",
    "thumbnail": "toolkit.documents.thumbnails",
    # sharing
    "export_bundle": "toolkit.export.bundle",
    "aggregate_bundles": "toolkit.export.aggregate",
    "export_xlsx": "toolkit.export.xlsx",
    # demo
    "run_demo": "toolkit.demo",
    # the web app
    "serve": "toolkit.web.server",
    "create_app": "toolkit.web.app",
}

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)


class _Package(types.ModuleType):
    """``toolkit.attempts`` is both a module and a function of the API. Importing the module
    (as the CLI and ``review_items`` do) makes Python set the package's attribute to the
    module, which would hide the function from ``toolkit.attempts(ws, …)``: the function
    is returned wherever the API names it."""

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if isinstance(value, types.ModuleType) and _API.get(name) == f"{__name__}.{name}":
            return getattr(value, name)
        return value


sys.modules[__name__].__class__ = _Package
