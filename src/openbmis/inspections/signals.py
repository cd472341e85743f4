"""Signals other capabilities listen to (sent inside the transaction of the write)."""

from django.dispatch import Signal

# Sent after an inspection is saved, with ``inspection`` (its ``hits`` are the checkers' hit dicts),
# so that e.g. the watchlist app can file each hit in its adjudication queue.
inspection_started = Signal()

# Sent after a decision wrote a crossing, with ``crossing``.
crossing_recorded = Signal()

# Sent after crossings were written or moved in bulk around the decision path (a generated or imported
# history), with ``count``: apps that keep data derived from crossings recompute it.
crossings_bulk_loaded = Signal()
