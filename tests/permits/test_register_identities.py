"""The visa, permit and entry-ban register pages hide who holds a record from analysts without identities
access (as the overstay list does); officers and administrators see it."""

from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def registers(admin):
    from openbmis.permits import services

    services.create_visa(admin, number="V77", entries="single", valid_from=date(2026, 1, 1),
                         valid_until=date(2026, 12, 31), duration_days=30, surname="WANJIKU", given_names="MERCY",
                         nationality="KEN", passport_number="P7777777")
    services.create_permit(admin, kind="work", number="RP77", surname="WANJIKU", given_names="MERCY",
                           nationality="KEN", passport_number="P7777777", valid_from=date(2026, 1, 1),
                           valid_until=date(2027, 1, 1))
    services.impose_ban(admin, traveller=None, crossing=None, surname="WANJIKU", given_names="MERCY",
                        nationality="KEN", birth_date=date(1991, 2, 3), document_number="P7777777",
                        source="decision", starts_on=date(2026, 1, 1), ends_on=None, reason="test")


@pytest.mark.parametrize("granted", [False, True])
def test_register_pages_show_holders_only_with_identities_access(registers, make_user, session_client, granted):
    analyst = make_user("analyst", None)
    analyst.can_view_identities = granted
    analyst.save(update_fields=["can_view_identities"])
    client = session_client(analyst)
    for url in ("/permits/visas/", "/permits/bans/", "/permits/visas/?q=P7777777"):
        page = client.get(url).content.decode()
        assert ("WANJIKU" in page) is granted, url
        assert ("<td>P7777777</td>" in page or "P7777777</td>" in page) is granted, url
    if not granted:
        assert 'data-testid="identity-hidden"' in client.get("/permits/visas/").content.decode()
        # A record number still finds the record, without its holder.
        assert "V77" in client.get("/permits/visas/?q=V77").content.decode()


def test_administrators_see_the_holders(registers, admin, session_client):
    page = session_client(admin).get("/permits/visas/").content.decode()
    assert "WANJIKU" in page and "P7777777" in page
