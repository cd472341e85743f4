"""This installation's identity (headquarters or one border-post node), made once, and what each may write.

Headquarters owns the reference data (border posts, users and their roles, watchlists, visa rules and the
visa/permit registry, entry bans, the trust store, refusal grounds). At a border-post node that data is a
read-only copy kept up to date by synchronisation: the guard below refuses every other write to it, in one
place that every service shares (a ``pre_save``/``pre_delete`` receiver), so a new service or view cannot
forget it. Jobs that need the national picture call :func:`require_hq`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

from openbmis.core.errors import Conflict

# Reference data: owned by headquarters, read-only at a node. ``accounts.User``: creation and deletion
# only (a node records logins and lockouts on its copy).
REFERENCE_MODELS = frozenset({
    "borderposts.BorderPost", "borderposts.Lane",
    "accounts.RoleAssignment",
    "watchlists.Watchlist", "watchlists.WatchlistEntry", "watchlists.DocumentAlert", "watchlists.WatchlistImport",
    "permits.VisaPolicyRule", "permits.Visa", "permits.ResidencePermit", "permits.EntryBan",
    "trust.TrustEntry", "trust.TrustImport",
    "inspections.RefusalReason",
    # The document library and fraud alerts: posts receive them as a signed bundle (docs/documents.md).
    "documents.DocumentModel", "documents.ReferenceImage", "documents.SecurityFeature", "documents.FraudAlert",
    "documents.AlertImage",
})
CREATE_DELETE_ONLY = frozenset({"accounts.User"})

_applying = contextvars.ContextVar("openbmis_applying_headquarters_changes", default=False)


class ReadOnlyAtNode(Conflict):
    """A write to headquarters' reference data at a border-post node."""

    code = "read_only_installation"


def configured() -> str:
    """``hq`` or ``bcp:<POST>`` (the setting OPENBMIS_INSTALLATION)."""
    return str(settings.OPENBMIS_INSTALLATION)


def is_hq() -> bool:
    return configured() == "hq"


def node_post_code() -> str:
    """The border post this node serves ('' at headquarters)."""
    value = configured()
    return value.split(":", 1)[1] if value.startswith("bcp:") else ""


def applying_headquarters_changes() -> bool:
    return _applying.get()


@contextmanager
def headquarters_changes() -> Iterator[None]:
    """Within it, a node may write reference data: it is applying what headquarters published."""
    token = _applying.set(True)
    try:
        yield
    finally:
        _applying.reset(token)


def require_hq(what: str) -> None:
    """Refuse ``what`` (a job or a write) at a border-post node, naming the installation."""
    if not is_hq():
        raise ReadOnlyAtNode(
            f"{what} is done at headquarters only; this installation is the border-post node "
            f"{configured()!r}", installation=configured(),
        )


def _label(sender: Any) -> str:
    meta = getattr(sender, "_meta", None)
    return meta.label if meta is not None else ""


def guard_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """``pre_save`` receiver: reference data is read-only at a node unless headquarters' changes are applied."""
    if raw or _applying.get() or is_hq() or sender.__module__ == "__fake__":  # fixtures, migrations
        return
    label = _label(sender)
    if label in REFERENCE_MODELS or (label in CREATE_DELETE_ONLY and instance._state.adding):
        require_hq(f"changing {sender._meta.verbose_name} ({label})")


def guard_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``pre_delete`` receiver: the same rule for deletions."""
    if _applying.get() or is_hq() or sender.__module__ == "__fake__":
        return
    label = _label(sender)
    if label in REFERENCE_MODELS or label in CREATE_DELETE_ONLY:
        require_hq(f"deleting {sender._meta.verbose_name} ({label})")
