"""Check messages carry a code and parameters and are rendered in the reader's language (issue 20)."""

from __future__ import annotations

from django.utils import translation

from openbmis.inspections.messages import render_check


def test_the_api_returns_the_code_and_parameters_beside_the_message_in_the_request_language(inspect, mrz_for,
                                                                                            client, bearer, officer):
    made = inspect(mrz=mrz_for())
    assert made.status_code == 201, made.content
    stay = next(c for c in made.json()["checks"] if c["code"] == "entry_ban")
    assert stay["message_code"] == "entry_ban.none" and stay["params"] == {}
    assert stay["message"] == "No entry ban in force."
    again = client.get(f"/api/inspections/{made.json()['id']}", headers={**bearer(officer), "Accept-Language": "fr"})
    french = next(c for c in again.json()["checks"] if c["code"] == "entry_ban")
    assert french["message_code"] == "entry_ban.none"
    assert french["message"] == "Aucune interdiction d'entrée en vigueur."
    assert french["message"] != "No entry ban in force."


def test_a_plural_message_agrees_with_its_count():
    one = {"code": "stay", "message": "", "message_code": "stay.until", "params": {"until": "2027-01-01", "days": 1}}
    many = {**one, "params": {"until": "2027-01-01", "days": 90}}
    with translation.override("en"):
        assert render_check(one) == "May stay until 2027-01-01 (1 day)."
        assert render_check(many) == "May stay until 2027-01-01 (90 days)."
    with translation.override("fr"):
        assert render_check(many) == "Séjour autorisé jusqu’au 01/01/2027 (90 jours)."


def test_a_check_stored_before_the_codes_keeps_its_text():
    assert render_check({"code": "visa", "message": "Visa-exempt (old rule)."}) == "Visa-exempt (old rule)."
    # a code that is no longer known falls back to the stored text rather than failing the page
    assert render_check({"code": "visa", "message": "kept", "message_code": "gone.code", "params": {}}) == "kept"
