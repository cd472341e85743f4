"""Visas, permits and permitted stay: visa policy rules, the registry of visas, e-visas and residence/work
permits, stay extensions, entry bans, the counter's ``visa``, ``stay`` and ``entry_ban`` checks, and overstay
detection.  The day arithmetic lives in the pure library :mod:`openbmis.stay`."""
