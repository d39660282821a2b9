"""Benchmarks, run with `make bench`; each prints its figures and their ratio to a baseline."""
