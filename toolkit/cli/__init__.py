"""The `guichets` command line: a thin projection of the library."""
