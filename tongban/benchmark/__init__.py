"""Benchmark data (issue 14): programs of a given size written straight into the database."""
