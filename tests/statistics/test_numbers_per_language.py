"""Figures grouped the reader's language's way on the statistics dashboard (issue 20): 1,234 in English, with a
no-break space in French and Spanish, 1.234 in Portuguese (the separators of Django's locale data)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from tests.statistics.statistics_helpers import NOW

from openbmis.statistics import services


@pytest.fixture
def busy(demo_posts, fast_hasher):
    """Enough crossings in ten days for key figures of four digits."""
    from openbmis.demo import crossings

    return crossings.generate(2600, days=10, seed=3, now=NOW)


@pytest.mark.parametrize(("language", "separator"), [("en", ","), ("fr", "\xa0"), ("es", "\xa0"), ("pt", ".")])
def test_the_key_figures_are_grouped_as_the_language_groups_them(busy, analyst, session_client, language,
                                                                 separator):
    services.rebuild("test")
    period = {"from": (NOW - timedelta(days=12)).date().isoformat(), "to": NOW.date().isoformat()}
    page = session_client(analyst).get("/statistics/", period, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    values = re.findall(r'<div class="value">([^<]*)</div>', page)
    assert values, page[-2000:]
    big = [v for v in values if len(re.sub(r"\D", "", v)) >= 4]
    assert big, f"no key figure of four digits or more: {values}"
    for value in big:
        assert re.fullmatch(rf"-?\d{{1,3}}({re.escape(separator)}\d{{3}})+", value.strip()), (language, value)
