"""The national trust store: CSCA certificates, link certificates, DSCs, CRLs and master lists, and the record
of every chip verification made against them.

The pure library :mod:`openbmis.epassport` verifies; this app stores what it trusts (DER blobs with their
subject, serial, country, validity, fingerprint and status), keeps the import history, audits every change,
and rebuilds the in-memory :class:`openbmis.epassport.TrustStore` from the active rows when they change.
Sources: ICAO Doc 9303 Part 12 (PKI for MRTDs), Part 11 (passive authentication).
"""
