"""The app's pages, one module per area; each gives its routes."""
