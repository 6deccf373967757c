"""Readers that turn evidence files into facts in the store."""
