"""The acting party of a service call: a user, an anonymous visitor or a system label, and the user behind it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from openbmis.accounts.actors import acting_user, actor_id, user_of
from openbmis.audit import services as audit


def test_a_signed_in_user_is_the_user_behind_the_actor(officer):
    assert user_of(officer) is officer
    assert acting_user(officer) is officer
    assert actor_id(officer) == officer.pk


@pytest.mark.parametrize("actor", [AnonymousUser(), "cli", "overstay-job"], ids=["anonymous", "cli", "job"])
def test_the_system_and_an_anonymous_visitor_are_no_user(db, actor):
    assert user_of(actor) is None
    assert actor_id(actor) is None
    with pytest.raises(TypeError, match="names a user"):
        acting_user(actor)


@pytest.mark.parametrize(("actor", "label"), [("cli", "cli"), (AnonymousUser(), audit.SYSTEM)], ids=["cli", "anonymous"])
def test_the_trail_names_a_non_user_by_its_label(db, actor, label):
    event = audit.record(actor=actor, action="test.actor", object_type="test")
    assert (event.actor_id, event.actor_label) == (None, label)


def test_the_trail_names_a_user_by_reference(officer):
    event = audit.record(actor=officer, action="test.actor", object_type="test")
    event.refresh_from_db()
    assert (event.actor_id, event.actor, event.actor_label) == (officer.pk, officer, officer.username)
