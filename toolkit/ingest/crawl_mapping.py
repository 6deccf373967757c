"""Kept for older imports: the mapping lives in :mod:`toolkit.ingest.crawl.mapping`."""

from toolkit.ingest.crawl.mapping import Mapping, ReaderOptions, resolve_columns
from toolkit.ingest.crawl.mapping_file import load_mapping

__all__ = ["Mapping", "ReaderOptions", "load_mapping", "resolve_columns"]
