"""What the watchlist services share: the screening state stamp, the actor, permission checks, lookups."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from uuid import UUID

from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext as _

from openbmis.accounts import authz
from openbmis.accounts.actors import Actor, user_of
from openbmis.accounts.models import ApiToken, User
from openbmis.audit import services as audit
from openbmis.borderposts.models import BorderPost
from openbmis.core.errors import NotFound
from openbmis.watchlists.models import (
    Hit,
    Watchlist,
    WatchlistImport,
    WatchlistState,
)

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
MAX_DIFF_ITEMS = 500
MAX_AUDITED_IDS = 1000
BATCH = 1000
# The formats an import may name, by kind of list ("auto": recognised from the file, as the upload page does).
FORMATS = {
    Watchlist.Kind.PERSONS: ("auto", "un-sc-xml", "ofac-sdn-csv", "ftm-json", "openbmis-csv"),
    Watchlist.Kind.DOCUMENTS: ("auto", "documents-csv"),
}


def retroactive_days() -> int:
    """How many days back retroactive screening looks (the setting ``OPENBMIS_RETROACTIVE_SCREENING_DAYS``)."""
    return max(int(settings.OPENBMIS_RETROACTIVE_SCREENING_DAYS), 0)




# ----------------------------------------------------------------------------------------------- state
def _bump_state() -> int:
    """Mark every process's screening index stale; call inside the transaction of the change."""
    WatchlistState.objects.select_for_update().get_or_create(id=1)
    WatchlistState.objects.filter(id=1).update(version=F("version") + 1, stamp=uuid.uuid4())
    return int(WatchlistState.objects.values_list("version", flat=True).get(id=1))


def _actor_fields(actor: Actor) -> tuple[User | None, str]:
    user = user_of(actor)
    label = user.get_username() if user is not None else (actor if isinstance(actor, str) else audit.SYSTEM)
    return user, str(label)[:150]


def _require(actor: Actor, perm: str, post: BorderPost | UUID | None = None, token: ApiToken | None = None) -> None:
    # Internal actors (the CLI, the demo seed, background jobs acting for the system) are plain strings.
    if isinstance(actor, str):
        return
    authz.require(actor, perm, post, token=token)


# ----------------------------------------------------------------------------------------------- lookups
def get_watchlist(key: UUID | str) -> Watchlist:
    """A list by id or by name."""
    found = None
    try:
        found = Watchlist.objects.filter(id=uuid.UUID(str(key))).first()
    except ValueError:
        pass
    if found is None:
        found = Watchlist.objects.filter(name=str(key)).first()
    if found is None:
        raise NotFound(_("no watchlist %(key)s") % {"key": key}, field="watchlist")
    return found


def get_import(import_id: UUID | str) -> WatchlistImport:
    try:
        return WatchlistImport.objects.select_related("watchlist").get(id=import_id)
    except (WatchlistImport.DoesNotExist, ValueError):
        raise NotFound(_("no watchlist import %(import_id)s")
                       % {"import_id": import_id}, field="import_id") from None


def get_hit(hit_id: UUID | str) -> Hit:
    try:
        return Hit.objects.select_related("border_post", "traveller", "watchlist", "inspection", "judged_by",
                                          "previous_no_match").get(id=hit_id)
    except (Hit.DoesNotExist, ValueError):
        raise NotFound(_("no hit %(hit_id)s") % {"hit_id": hit_id}, field="hit_id") from None
