from __future__ import annotations

import pytest


@pytest.fixture
def officer(make_user, two_posts):
    return make_user("primary_officer", two_posts[0], username="amina-officer")
