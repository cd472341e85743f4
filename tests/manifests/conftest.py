"""A JFK airport post, carrier UA with its own account, a watchlist naming JOHN WAYNE DOE, and manifests
generated for today's flights with the library's writer."""

from __future__ import annotations

import pytest

from openbmis import paxlst

from .helpers import PASSENGERS


@pytest.fixture
def airport(db):
    from openbmis.borderposts import services

    return services.create_border_post("test", code="JFK", name="JFK airport", kind="air", country="UTO",
                                       time_zone="UTC", lanes=[{"code": "J1", "direction": "entry"}])


@pytest.fixture
def carrier(db, make_user):
    from openbmis.manifests import services

    account = make_user(None, username="ua-system")
    return services.register_carrier("test", code="UA", name="United", account=account)


@pytest.fixture
def watchlist(db):
    from openbmis.watchlists import matching
    from openbmis.watchlists import services as watchlists

    listed = watchlists.create_watchlist("test", name="Targets", owner="HQ")
    watchlists.import_now("test", listed, file_name="t.csv", content=b"id,name\nT-1,John Wayne Doe\n", commit=True)
    matching.forget()
    yield listed
    matching.forget()


@pytest.fixture
def passengers() -> list[paxlst.Person]:
    return [paxlst.Person(**{f: getattr(p, f) for f in p.__slots__}) for p in PASSENGERS]
