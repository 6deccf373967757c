"""Kept for older imports: the mapping lives in :mod:`toolkit.ingest.crawl.mapping`."""

from toolkit.ingest.crawl.mapping import Mapping, ReaderOptions, load_mapping, resolve_columns

__all__ = ["Mapping", "ReaderOptions", "load_mapping", "resolve_columns"]
