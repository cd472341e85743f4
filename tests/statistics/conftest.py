"""Fixtures for the statistics tests: demo border posts with a few thousand generated crossings."""

from __future__ import annotations

import pytest
from tests.statistics.statistics_helpers import NOW


@pytest.fixture
def demo_posts(db):
    from openbmis.borderposts import services
    from openbmis.demo.seed import POSTS

    posts = []
    for spec in POSTS:
        data = dict(spec)
        lanes = data.pop("lanes")
        code = data.pop("code")
        posts.append(services.create_border_post("test", code=code, lanes=lanes, country="UTO", **data))
    return posts


@pytest.fixture
def traffic(demo_posts, fast_hasher):
    """About 1,500 crossings over the 60 days before NOW (seeded), with refusals and referrals."""
    from openbmis.demo import crossings

    return crossings.generate(1500, days=60, seed=8, now=NOW)


@pytest.fixture
def analyst(make_user):
    """A national analyst without identities access (small cells suppressed)."""
    return make_user("analyst", None, username="stat-analyst")


@pytest.fixture
def analyst_with_identities(make_user):
    user = make_user("analyst", None, username="stat-analyst-id")
    user.can_view_identities = True
    user.save(update_fields=["can_view_identities"])
    return user
