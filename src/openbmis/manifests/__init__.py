"""Advance passenger information: PAXLST manifests in, pre-arrival screening, the counter check, reconciliation."""
