"""The demo data set: a fictional country (ICAO specimen state Utopia, UTO) with six border posts
and one user per role.  Each capability extends :func:`openbmis.demo.seed.load`.  Loading is
idempotent: running it again changes nothing that exists."""
