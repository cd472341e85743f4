"""Border inspection: primary and secondary inspection, and the crossing (entry, exit or refusal)
that every decision records once and for good.

An :class:`~openbmis.inspections.models.Inspection` is one traveller at one counter: the document
read, every check run with its result and the data it was based on, and the officer's decision.
Admitting or refusing writes a :class:`~openbmis.inspections.models.Crossing`; referring opens a
:class:`~openbmis.inspections.models.Referral` for secondary inspection, whose decision then writes
the crossing.  Checks are pluggable (:mod:`openbmis.inspections.checks`): later capabilities
(screening, visas and stay, chip) register theirs.
"""
