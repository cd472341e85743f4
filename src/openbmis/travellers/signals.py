"""Signals of the travellers app, for apps that keep data derived from a traveller's crossings."""

from django.dispatch import Signal

# Sent inside the transaction of a merge or a split, after crossings moved between identities;
# ``traveller_ids``: the identities whose crossings changed.
crossings_moved = Signal()
