"""Migration statistics: roll-ups of crossings, the dashboard, exports and the monthly report.

Counts follow the UN Recommendations on Statistics of International Migration (Revision 1, 1998) where
they apply: arrivals and departures by citizenship, residents and non-residents. Definitions: docs/statistics.md.
"""
