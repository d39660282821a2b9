"""Code that reads, validates and renders the data in `knowledge/`."""
