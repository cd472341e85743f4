"""Watchlist screening: multilingual name matching with explained scores.

Placeholder docstring; the full one comes with the index.
"""
