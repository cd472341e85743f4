"""A word with two senses is translated by its sense (pgettext, issue 20): "Entries" are crossings into the
country on the statistics page, the persons on a watchlist, and the certificates of the trust store."""

from __future__ import annotations

import re

import pytest


def _headers(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", html)]


@pytest.mark.parametrize(("language", "listed"), [("fr", "Fiches"), ("es", "Registros"), ("pt", "Registos")])
def test_the_entries_of_a_watchlist_are_not_crossings(admin, session_client, analyst_user, language, listed):
    watchlists = session_client(admin).get("/watchlists/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert listed in _headers(watchlists)
    statistics = session_client(analyst_user).get("/statistics/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    crossings = re.search(r'<option value="entry"[^>]*>([^<]+)</option>', statistics)
    assert crossings and crossings.group(1) == {"fr": "Entrées", "es": "Entradas", "pt": "Entradas"}[language]
    assert crossings.group(1) != listed


@pytest.fixture
def analyst_user(make_user):
    return make_user("analyst")
