"""Ad-hoc screening search for officers."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from openbmis import screening as engine
from openbmis.accounts import authz
from openbmis.audit import services as audit
from openbmis.audit.refs import value_ref
from openbmis.core.errors import InvalidInput
from openbmis.watchlists import matching


# ----------------------------------------------------------------------------------------------- search
def search(actor: Any, *, name: str = "", birth_date: str | None = None, nationality: str = "", sex: str = "",
           document: str = "", issuing_state: str = "", limit: int = 10, threshold: float | None = None,
           token: Any = None) -> list[dict[str, Any]]:
    """Ad-hoc screening: ranked, explained hits from the active lists (persons and documents)."""
    authz.require(actor, "screening.search", token=token)
    if not name.strip() and not document.strip():
        raise InvalidInput(_("give a name or a document number"), field="name")
    try:
        query = matching.person_query(name=name, birth_date=birth_date, nationality=nationality, sex=sex,
                                      document_number=document, issuing_state=issuing_state)
    except engine.QueryError as exc:
        field = "birth_date" if exc.field == "date" else (exc.field or "name")
        raise InvalidInput(exc.message, field=field) from None
    snapshot = matching.current()
    hits = matching.search_persons(snapshot, query, limit=limit, threshold=threshold) if name.strip() else []
    if document.strip():
        hits = matching.search_documents(snapshot, issuing_state, document) + hits
    with transaction.atomic():
        audit.record(actor=actor, action="screening.search", object_type="screening",
                     after={"name": value_ref("name", name) if name.strip() else "",
                            "document": value_ref("document", document) if document.strip() else "",
                            "hits": len(hits)})
    return hits[:limit]
