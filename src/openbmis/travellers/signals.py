"""Signals of the travellers app, for apps that keep data derived from a traveller's crossings."""

from django.dispatch import Signal

# Sent inside the transaction of a merge or a split, after crossings moved between identities;
# ``traveller_ids``: the identities whose crossings changed.
crossings_moved = Signal()

# Sent inside the transaction of an applied rectification (openbmis.travellers.rectifications.approve);
# ``traveller_id``, ``fields``: the corrected fields, ``days``: the local days of the crossings whose recorded
# nationality, sex or birth date was corrected with it (what the statistics count).
identity_rectified = Signal()
