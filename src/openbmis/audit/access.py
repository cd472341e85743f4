"""The access log: who read which personal records, when and why.

A read is recorded as one audit event (action ``access.<object type>``) in the same keyed, anchored chain as the
writes (docs/adr/0003), so reads have the same integrity. A list is one event per request carrying every record's
id and the pseudonymous references of the travellers on it, never names or document numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from openbmis.audit import services
from openbmis.audit.models import AuditEvent
from openbmis.audit.refs import traveller_ref

ACCESS_PREFIX = "access."


def record_access(request_or_actor: Any, purpose: str, object_type: str, ids: Iterable[Any] = (),
                  traveller_ids: Iterable[Any] = ()) -> AuditEvent:
    """Record that the caller read ``ids`` of ``object_type`` (about ``traveller_ids``) for ``purpose``
    (the page or endpoint name). One event per call, whatever the number of records."""
    actor = getattr(request_or_actor, "user", request_or_actor)
    id_list = sorted({str(i) for i in ids if i is not None})
    refs = sorted({traveller_ref(t) for t in traveller_ids if t is not None})
    return services.record(
        actor=actor, action=f"{ACCESS_PREFIX}{object_type}", object_type=object_type,
        object_id=refs[0] if len(refs) == 1 else "", before=None,
        after={"purpose": purpose, "ids": id_list, "traveller_refs": refs},
    )


def accesses_of(traveller_id: Any) -> QuerySet[AuditEvent]:
    """Every recorded read that concerned the traveller, newest first (found through the reference)."""
    ref = traveller_ref(traveller_id)
    return (AuditEvent.objects.annotate(after_text=Cast("after", TextField()))
            .filter(Q(action__startswith=ACCESS_PREFIX) & (Q(object_id=ref) | Q(after_text__contains=ref)))
            .order_by("-seq"))


def travellers_with_document(number: str) -> list[Any]:
    """The ids of the travellers who presented a document of this number (spaces and fillers ignored)."""
    from openbmis.travellers.models import TravelDocument

    cleaned = "".join(number.upper().split()).replace("<", "")
    if not cleaned:
        return []
    return list(TravelDocument.objects.filter(number=cleaned).values_list("traveller_id", flat=True).distinct())
