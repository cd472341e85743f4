"""Background jobs of watchlists (run by ``openbmis worker``): read an import, commit it, screen retroactively."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from openbmis.core.errors import DomainError

log = logging.getLogger(__name__)


def _actor(actor_id: str | None, label: str) -> Any:
    from openbmis.accounts.models import User

    user = User.objects.filter(id=actor_id).first() if actor_id else None
    return user if user is not None else label


@task()
def preview_import_job(import_id: str) -> dict[str, Any]:
    """Read the file of an import and compare it with the list (nothing applied)."""
    from openbmis.watchlists import services

    record = services.get_import(import_id)
    try:
        record = services.preview_import(record)
    except DomainError as exc:
        return {"status": record.status, "error": exc.message}
    except Exception as exc:
        log.exception("watchlist import %s: preview crashed", import_id)
        services.fail_import(import_id, f"{type(exc).__name__}: {exc}")
        raise
    return {"status": record.status, "added": record.added_count, "changed": record.changed_count,
            "removed": record.removed_count, "errors": record.error_count}


@task()
def commit_import_job(import_id: str, actor_id: str | None = None) -> dict[str, Any]:
    """Apply a preview as the list's next version (one transaction)."""
    from openbmis.watchlists import services
    from openbmis.watchlists.models import WatchlistImport

    record = services.get_import(import_id)
    actor = _actor(actor_id, record.committed_by or "worker")
    try:
        record = services.commit_import(actor, record)
    except DomainError as exc:
        # Nothing was applied; the import goes back to a preview the administrator can act on.
        WatchlistImport.objects.filter(id=import_id, status=WatchlistImport.Status.COMMITTING).update(
            status=WatchlistImport.Status.PREVIEW, progress_message=exc.message[:200])
        return {"status": "preview", "error": exc.message}
    except Exception as exc:
        log.exception("watchlist import %s: commit crashed", import_id)
        services.fail_import(import_id, f"{type(exc).__name__}: {exc}")
        raise
    return {"status": record.status, "version": record.version}


@task()
def retroactive_screening_job(watchlist_id: str, version: int) -> dict[str, Any]:
    """Screen a version's new and changed entries against travellers in the country and recent crossers."""
    from openbmis.watchlists import services

    watchlist = services.get_watchlist(watchlist_id)
    made = services.screen_retroactively(watchlist, version)
    return {"watchlist": watchlist.name, "version": version, "alerts": len(made)}
