"""Watchlists themselves: created and changed (administrators), audited."""

from __future__ import annotations

from typing import TypedDict, Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from openbmis.accounts.actors import Actor
from openbmis.accounts.models import ApiToken
from openbmis.audit import services as audit
from openbmis.core.errors import Conflict, InvalidInput
from openbmis.watchlists.models import (
    Watchlist,
)
from openbmis.watchlists.services.common import _bump_state, _require

# ----------------------------------------------------------------------------------------------- lists
LIST_FIELDS = ["name", "kind", "owner", "purpose", "threshold", "retention_days", "active"]


class WatchlistFields(TypedDict, total=False):
    """What a caller sets on a watchlist: ``LIST_FIELDS`` with their types."""

    name: str
    kind: str
    owner: str
    purpose: str
    threshold: float
    retention_days: int | None
    active: bool


def _check_list_fields(values: WatchlistFields) -> None:
    if "name" in values and not str(values["name"] or "").strip():
        raise InvalidInput(_("a list needs a name"), field="name")
    if "owner" in values and not str(values["owner"] or "").strip():
        raise InvalidInput(_("a list needs an owner"), field="owner")
    if "kind" in values and values["kind"] not in Watchlist.Kind.values:
        raise InvalidInput(_("kind must be one of %(choices)s")
                           % {"choices": ', '.join(Watchlist.Kind.values)}, field="kind")
    if "threshold" in values and not 0.0 < float(values["threshold"]) <= 1.0:
        raise InvalidInput(_("threshold must be above 0 and at most 1"), field="threshold")


def create_watchlist(
    actor: Actor, *, name: str, owner: str, kind: str = "persons", purpose: str = "", threshold: float = 0.7,
    retention_days: int | None = None, active: bool = True, token: ApiToken | None = None,
) -> Watchlist:
    _require(actor, "watchlists.manage", token=token)
    values: WatchlistFields = {"name": name.strip(), "kind": kind, "owner": owner.strip(), "purpose": purpose.strip(),
              "threshold": threshold, "retention_days": retention_days, "active": active}
    _check_list_fields(values)
    with transaction.atomic():
        if Watchlist.objects.filter(name=values["name"]).exists():
            raise Conflict(_("a watchlist named %(name)r exists") % {"name": values['name']}, field="name")
        watchlist = Watchlist.objects.create(**values)
        _bump_state()
        audit.record(actor=actor, action="watchlist.create", object_type="watchlist", object_id=str(watchlist.id),
                     object_label=watchlist.name, after=audit.snapshot(watchlist, LIST_FIELDS))
    return watchlist


def update_watchlist(actor: Actor, watchlist: Watchlist, *, reason: str = "", token: ApiToken | None = None,
                     **changes: Unpack[WatchlistFields]) -> Watchlist:
    """Change a list's owner, purpose, threshold, retention or active flag (its kind never changes)."""
    _require(actor, "watchlists.manage", token=token)
    unknown = set(changes) - set(LIST_FIELDS) or ({"kind"} & set(changes))
    if unknown:
        raise InvalidInput(_("cannot change %(unknown)s")
                           % {"unknown": ', '.join(sorted(unknown))}, field=sorted(unknown)[0])
    _check_list_fields(changes)
    with transaction.atomic():
        locked = Watchlist.objects.select_for_update().get(id=watchlist.id)
        before = audit.snapshot(locked, LIST_FIELDS)
        if "name" in changes and Watchlist.objects.filter(name=changes["name"]).exclude(id=locked.id).exists():
            raise Conflict(_("a watchlist named %(name)r exists") % {"name": changes['name']}, field="name")
        for key, value in changes.items():
            setattr(locked, key, value.strip() if isinstance(value, str) else value)
        locked.save()
        _bump_state()
        audit.record(actor=actor, action="watchlist.update", object_type="watchlist", object_id=str(locked.id),
                     object_label=locked.name, before=before, after=audit.snapshot(locked, LIST_FIELDS),
                     reason=reason)
    return locked
