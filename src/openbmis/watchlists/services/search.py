"""Ad-hoc screening search for officers."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from openbmis import screening as engine
from openbmis.accounts import authz
from openbmis.accounts.actors import Actor
from openbmis.accounts.models import ApiToken
from openbmis.audit import services as audit
from openbmis.audit.refs import value_ref
from openbmis.core.errors import InvalidInput
from openbmis.core.sealing import blind_index
from openbmis.inspections.checks import HitRecord
from openbmis.watchlists import matching
from openbmis.watchlists.models import DocumentAlert


# ----------------------------------------------------------------------------------------------- search
def search(actor: Actor, *, name: str = "", birth_date: str | None = None, nationality: str = "", sex: str = "",
           document: str = "", issuing_state: str = "", limit: int = 10, threshold: float | None = None,
           token: ApiToken | None = None) -> list[HitRecord]:
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


def alerts_with_number(alerts: QuerySet[DocumentAlert], query: str) -> QuerySet[DocumentAlert]:
    """The alerts whose number is ``query`` exactly or with look-alike characters (O/0, I/1, S/5...), or whose id
    in the list is ``query``. Numbers are sealed at rest, so both go through their blind indexes: a part of a
    number finds nothing."""
    query = query.strip()
    return alerts.filter(Q(number=query) | Q(number_confusable_index=blind_index(query, "confusable"))
                         | Q(external_id=query))
