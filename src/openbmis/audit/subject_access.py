"""The traveller's right of access: everything held on one person, as JSON and as a PDF.

What is held is found by following the foreign keys: the identity (and the identities merged into it), its
documents, every record that points at them (inspections, crossings, hits and judgements, no-match memories,
stays, visas, permits, entry bans, chip verifications, ...), and every record that points at those (referrals and
their notes, ...). A new app's records are therefore included without a change here. Records that carry one of
the person's document numbers without a link (a visa or permit registered by passport number, a manifest's
passenger, a ban entered by document) are found through the blind index of that number, with the issuing state
or nationality that goes with it. Beside them: who read the person's records (the access log) and the audit
events about them. A ban entered by name alone, with no document, is not the person's record: it is a decision
about whoever bears that name and birth date, kept under its own rule.

The models are found through the app registry, so that the audit app depends on no domain app at import time.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openbmis.core.actors import Actor
from openbmis.core.sealing import BlindIndexField, SealedTextField

# Kept elsewhere or not about the person: the audit trail itself (listed separately), synchronisation copies,
# sessions and task results.
SKIPPED_APPS = frozenset({"audit", "network", "sessions", "admin", "django_tasks_database", "django_tasks_db"})
# Lists of others' making (stolen and lost documents): not the person's records, even where a number matches.
NOT_MATCHED_BY_NUMBER = frozenset({"watchlists", "travellers"})
MAX_HOPS = 4
MAX_ROWS = 5000  # per kind of record: a person with more is exported in part, and the export says so


def _value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.BinaryField) or isinstance(value, bytes | memoryview):
        return {"bytes": len(bytes(value))}  # images and chip files: their size, not their content
    if isinstance(field, models.FileField):
        return str(value) or None
    return value


def _row(instance: models.Model) -> dict[str, Any]:
    return {f.attname: _value(f, f.value_from_object(instance)) for f in instance._meta.concrete_fields
            if not isinstance(f, BlindIndexField)}


def matched_by_number(ids: list[str]) -> dict[type[models.Model], set[str]]:
    """The rows, by model, that carry one of the identities' document numbers in a sealed, indexed column with
    the same issuing state (or nationality, where the row has no issuing state) and no link to the identities."""
    documents = list(apps.get_model("travellers", "TravelDocument").objects.filter(traveller_id__in=ids)
                     .values_list("issuing_state", "number"))
    found: dict[type[models.Model], set[str]] = {}
    if not documents:
        return found
    for model in apps.get_models():
        if model._meta.app_label in SKIPPED_APPS | NOT_MATCHED_BY_NUMBER:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        state = next((n for n in ("issuing_state", "nationality") if n in names), None)
        for f in model._meta.concrete_fields:
            if not (isinstance(f, SealedTextField) and f.indexed_by and state):
                continue
            condition = Q()
            for issuer, number in documents:
                condition |= Q(**{state: issuer, f.name: number})
            pks = {str(pk) for pk in model._default_manager.filter(condition).values_list("pk", flat=True)[:MAX_ROWS]}
            if pks:
                found.setdefault(model, set()).update(pks)
    return found


def _identities(traveller_id: Any) -> list[str]:
    """The traveller and every identity merged into it (and into those)."""
    traveller_model = apps.get_model("travellers", "Traveller")
    found = {str(traveller_id)}
    frontier = set(found)
    while frontier:
        merged = {str(pk) for pk in traveller_model.objects.filter(merged_into_id__in=frontier)  # type: ignore[misc]
                  .values_list("pk", flat=True)} - found
        found |= merged
        frontier = merged
    return sorted(found)


def holdings(traveller_id: Any) -> dict[str, Any]:
    """Every record held on the traveller, by kind (``app.Model``), each row with all its fields."""
    traveller_model = apps.get_model("travellers", "Traveller")
    ids = _identities(traveller_id)
    known: dict[type[models.Model], set[str]] = {traveller_model: set(ids)}
    rows: dict[type[models.Model], dict[str, models.Model]] = {
        traveller_model: {str(t.pk): t for t in traveller_model.objects.filter(pk__in=ids)}}
    for model, pks in matched_by_number(ids).items():
        known.setdefault(model, set()).update(pks)
        rows.setdefault(model, {}).update({str(r.pk): r for r in model._default_manager.filter(pk__in=sorted(pks))})
    truncated: list[str] = []
    for _hop in range(MAX_HOPS):
        grew = False
        for model in apps.get_models():
            if model._meta.app_label in SKIPPED_APPS:
                continue
            condition = Q()
            for f in model._meta.concrete_fields:
                target = f.related_model
                if f.is_relation and target in known and known[target]:  # type: ignore[comparison-overlap]
                    condition |= Q(**{f"{f.attname}__in": sorted(known[target])})  # type: ignore[index]
            if not condition:
                continue
            found = list(model._default_manager.filter(condition).order_by("pk")[:MAX_ROWS + 1])
            if len(found) > MAX_ROWS:
                truncated.append(model._meta.label)
                found = found[:MAX_ROWS]
            held = rows.setdefault(model, {})
            fresh = {str(r.pk): r for r in found if str(r.pk) not in held}
            if fresh:
                held.update(fresh)
                known.setdefault(model, set()).update(fresh)
                grew = True
        if not grew:
            break
    return {
        "records": {model._meta.label: [_row(r) for r in held.values()]
                    for model, held in sorted(rows.items(), key=lambda item: item[0]._meta.label) if held},
        "identities": ids,
        "truncated": sorted(set(truncated)),
    }


def export(actor: Actor, traveller_id: Any) -> dict[str, Any]:
    """The subject-access export of one traveller (JSON-ready); recorded in the access log and the audit trail."""
    from openbmis.audit import services
    from openbmis.audit.access import accesses_of, record_access
    from openbmis.audit.refs import traveller_ref
    from openbmis.audit.subjects import events_about
    from openbmis.core.errors import NotFound

    traveller_model = apps.get_model("travellers", "Traveller")
    if traveller_model.objects.filter(pk=traveller_id).exists():
        held = holdings(traveller_id)
    elif services.search_events(action="traveller.erase", object_id=traveller_ref(traveller_id)).exists():
        # erased (openbmis.retention.erasure): nothing is held; the audit trail's references remain
        held = {"identities": [str(traveller_id)], "records": {}, "truncated": []}
    else:
        raise NotFound(_("no traveller %(traveller_id)s") % {"traveller_id": traveller_id}, field="traveller")
    ids = held["identities"]
    accesses = [{"at": e.at, "who": e.actor_label, "purpose": (e.after or {}).get("purpose", ""),
                 "what": e.object_type} for t in ids for e in accesses_of(t)[:MAX_ROWS]]
    events = [{"at": e.at, "who": e.actor_label, "action": e.action, "object_type": e.object_type,
               "object_id": e.object_id, "reason": e.reason} for e in events_about(ids)[:MAX_ROWS]
              if not e.action.startswith("access.")]
    record_access(actor, "subject_access", "traveller", ids, ids)
    services.record(actor=actor, action="traveller.subject_access", object_type="traveller",
                    object_id=traveller_ref(traveller_id),
                    after={"kinds": sorted(held["records"]), "rows": sum(len(v) for v in held["records"].values())})
    return {"traveller": str(traveller_id), "generated_at": timezone.now(), "identities": ids,
            "records": held["records"], "truncated": held["truncated"],
            "accesses": sorted(accesses, key=lambda a: a["at"], reverse=True), "audit_events": events}


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


def _text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= 400 else text[:400] + " …"


def as_pdf(data: dict[str, Any]) -> bytes:
    """The export as a PDF a person can read: a section per kind of record, a table per record."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from openbmis.core import pdf

    sheet = pdf.styles()
    small = sheet["BodyText"].clone("small", fontSize=7.5, leading=9)
    story: list[Any] = [
        Paragraph(escape(pdf.shape(_("Everything held on a traveller"))), sheet["Title"]),
        Paragraph(escape(pdf.shape(_("Traveller %(id)s, generated %(at)s") % {
            "id": data["traveller"], "at": _text(data["generated_at"])})), sheet["BodyText"]),
    ]

    def table(rows: Iterable[tuple[str, Any]]) -> Table:
        cells = [[Paragraph(escape(pdf.shape(str(k))), small), Paragraph(escape(pdf.shape(_text(v))), small)]
                 for k, v in rows]
        t = Table(cells, colWidths=[45 * mm, 125 * mm])
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    for label, rows in data["records"].items():
        model = apps.get_model(label)
        story.append(Paragraph(escape(pdf.shape(f"{model._meta.verbose_name_plural} ({len(rows)})")),
                               sheet["Heading2"]))
        for row in rows:
            story += [table(row.items()), Spacer(1, 2 * mm)]
    story.append(Paragraph(escape(pdf.shape(_("Who read these records (%(n)d)")
                                            % {"n": len(data["accesses"])})),
                           sheet["Heading2"]))
    for access in data["accesses"]:
        story.append(Paragraph(escape(pdf.shape(
            f"{_text(access['at'])} · {access['who']} · {access['purpose']} · {access['what']}")), small))
    story.append(Paragraph(escape(pdf.shape(_("Audit events (%(n)d)") % {"n": len(data["audit_events"])})),
                           sheet["Heading2"]))
    for event in data["audit_events"]:
        story.append(Paragraph(escape(pdf.shape(
            f"{_text(event['at'])} · {event['who']} · {event['action']} · {event['reason'] or ''}")), small))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Subject access", leftMargin=15 * mm, rightMargin=15 * mm).build(story)
    return buffer.getvalue()
