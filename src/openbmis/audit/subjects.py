"""Which audit events concern a traveller: "who let this person in, and why".

An event names what it changed (an inspection, a crossing, a referral, a hit) and the person only by the
pseudonymous reference (issue 14); the person is found through those records and through the reference.
The models are imported when asked, so that the audit app depends on no domain app at import time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from openbmis.audit.models import AuditEvent
from openbmis.audit.refs import traveller_ref


def events_about(traveller_ids: Iterable[Any]) -> QuerySet[AuditEvent]:
    """Every event on the travellers' identities, inspections, crossings, referrals and hits, and every read
    of their records, newest first."""
    from openbmis.inspections.models import Crossing, Inspection, Referral
    from openbmis.watchlists.models import Hit

    ids = [str(t) for t in traveller_ids]
    if not ids:
        return AuditEvent.objects.none()
    inspections = [str(i) for i in Inspection.objects.filter(traveller_id__in=ids).values_list("id", flat=True)]
    crossings = [str(c) for c in Crossing.objects.filter(traveller_id__in=ids).values_list("id", flat=True)]
    referrals = [str(r) for r in Referral.objects.filter(inspection_id__in=inspections).values_list("id", flat=True)]
    hits = [str(h) for h in Hit.objects.filter(traveller_id__in=ids).values_list("id", flat=True)]
    about = (Q(object_type="traveller", object_id__in=ids) | Q(object_type="inspection", object_id__in=inspections)
             | Q(object_type="crossing", object_id__in=crossings) | Q(object_type="referral", object_id__in=referrals)
             | Q(object_type="hit", object_id__in=hits))
    refs = [traveller_ref(t) for t in ids]
    # Events since issue 14 name the person by the reference only (object id of a traveller event, *_ref keys in
    # before and after): they are found even once the records they were about are erased.
    named = Q(object_type="traveller", object_id__in=refs)
    for ref in refs:
        named |= Q(after_text__contains=ref) | Q(before_text__contains=ref)
    return (AuditEvent.objects.annotate(after_text=Cast("after", TextField()), before_text=Cast("before", TextField()))
            .filter(about | named).order_by("-seq"))


def admission_note(event: AuditEvent) -> str:
    """How an admission was made, when it was not a plain one: over a blocking check, or against the suggestion."""
    after = event.after if isinstance(event.after, dict) else {}
    flags = after.get("flags") or []
    if "override" in flags:
        return "override"
    if "against_suggestion" in flags:
        return "against_suggestion"
    return ""


def travellers_named(text: str) -> list[Any]:
    """The travellers an auditor means: a traveller id, or a document number resolved to the travellers who
    presented it (spaces and fillers ignored). Empty when there is none."""
    from uuid import UUID

    from openbmis.audit import access

    text = text.strip()
    try:
        return [UUID(text)]
    except ValueError:
        return access.travellers_with_document(text)
