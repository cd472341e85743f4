"""Data for the screening benchmark: a seeded generator of synthetic distractor persons."""
