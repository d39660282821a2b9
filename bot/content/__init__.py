"""Code that reads, validates and renders the data in `knowledge/`, and walks its triage graph."""
