"""Watchlists in the application: named alert lists, their versioned imports, screening inside every
inspection, the hit queue where a person decides, and retroactive screening of travellers already seen.

The pure library :mod:`openbmis.screening` matches names and looks documents up; this app stores the lists
(one :class:`~openbmis.watchlists.models.Watchlist` per list, its entries and document alerts with the version
that added, changed or removed them), imports files as a preview that shows what would be added, changed and
removed before anything is applied, and commits a preview in one transaction (never half-applied). Every
inspection is screened against the active lists through the ``watchlist`` and ``stolen_lost`` check slots;
each hit is filed as a :class:`~openbmis.watchlists.models.Hit` that a secondary officer or supervisor judges
(match, no match, unsure, with a reason). Nothing is refused automatically. A "no match" for the same
traveller and entry is remembered and shown beside the next hit, never hidden. Each list's retention period
is enforced by the daily retention run (:func:`~openbmis.watchlists.services.purge_expired`): removed entries
and judged hits kept longer are deleted. Imports over the API go through the same preview and commit.

Sources: UN Security Council Consolidated List XML schema, OFAC SDN legacy CSV layout, OpenSanctions
FollowTheMoney, INTERPOL SLTD (stolen and lost travel documents). See docs/watchlists.md.
"""
