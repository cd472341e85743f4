"""Erasure of one person: every record linked to the traveller (and to the identities merged into them) is
deleted, in one transaction, by an administrator (or from the server console). The audit trail is not touched:
its events name the person by pseudonymous reference (openbmis.audit.refs), so `openbmis audit verify` still
passes and the subject-access export of the erased person shows only those references.

What is deleted is what the subject-access export finds (openbmis.audit.subject_access.holdings): the records
that point at the identities, those that carry one of their document numbers (a visa registered by passport
number, a manifest's passenger), and the records that point at those, whatever their app.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.apps import apps
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openbmis.accounts import authz
from openbmis.accounts.actors import Actor
from openbmis.accounts.models import ApiToken
from openbmis.audit import services as audit
from openbmis.audit.refs import traveller_ref
from openbmis.audit.subject_access import _identities, matched_by_number
from openbmis.core.errors import Conflict, InvalidInput, NotFound
from openbmis.retention import rules
from openbmis.retention.models import LegalHold

MAX_REASON = 2000
MAX_ROUNDS = 12


def _linked(ids: list[str]) -> dict[type[models.Model], set[Any]]:
    """Every row that points, directly or through other such rows, at the identities (primary keys by model)."""
    traveller_model = apps.get_model("travellers", "Traveller")
    found: dict[type[models.Model], set[Any]] = {traveller_model: set(ids)}
    for model, pks in matched_by_number(ids).items():
        # by number: the primary keys as the model stores them (text from the matching)
        found.setdefault(model, set()).update(model._default_manager.filter(pk__in=list(pks)).values_list("pk", flat=True))
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model._meta.app_label in {"audit", "network", "sessions", "django_tasks_db"}:
                continue
            for f in model._meta.concrete_fields:
                target = f.related_model
                if not (f.is_relation and target in found and found[target]):  # type: ignore[comparison-overlap]
                    continue
                pks = set(model._default_manager.filter(**{f"{f.attname}__in": list(found[target])})  # type: ignore[index]
                          .values_list("pk", flat=True))
                if pks - found.get(model, set()):
                    found.setdefault(model, set()).update(pks)
                    grew = True
    # Chip reads name their inspection by a plain id.
    inspection_model = apps.get_model("inspections", "Inspection")
    chip_model = apps.get_model("trust", "ChipVerification")
    if found.get(inspection_model):
        chips = set(chip_model.objects.filter(inspection_id__in=list(found[inspection_model]))
                    .values_list("pk", flat=True))
        if chips:
            found.setdefault(chip_model, set()).update(chips)
    return found


def erase(actor: Actor, traveller_id: Any, reason: str, token: ApiToken | None = None) -> dict[str, int]:
    """Delete everything held on the traveller; the counts by kind of record. Refused under a legal hold."""
    if not isinstance(actor, str):  # a string: the server console (``openbmis traveller erase``)
        authz.require(actor, "travellers.erase", token=token)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("a reason is required (the request or decision the erasure follows)"), field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(ngettext("the reason is too long (%(count)d character; at most %(limit)d)",
                                    "the reason is too long (%(count)d characters; at most %(limit)d)",
                                    len(reason)) % {"count": len(reason), "limit": MAX_REASON}, field="reason")
    try:
        traveller_id = UUID(str(traveller_id))
    except ValueError:
        raise InvalidInput(_("not a traveller id: %(traveller_id)r")
                           % {"traveller_id": str(traveller_id)[:40]}, field="traveller_id") from None
    traveller_model = apps.get_model("travellers", "Traveller")
    with transaction.atomic():
        if not traveller_model.objects.filter(pk=traveller_id).exists():
            raise NotFound(_("no traveller with id %(traveller_id)s")
                           % {"traveller_id": traveller_id}, field="traveller_id")
        ids = _identities(traveller_id)
        if LegalHold.objects.in_force().filter(traveller_id__in=ids).exists():
            raise Conflict(_("this traveller is under a legal hold: lift it before erasing"), field="traveller_id")
        found = _linked(ids)
        files = [name for name in apps.get_model("documents", "ExaminationImage").objects.filter(
            pk__in=list(found.get(apps.get_model("documents", "ExaminationImage"), set())))
            .values_list("file", flat=True) if name]
        crossing_model = apps.get_model("inspections", "Crossing")
        days = set(crossing_model.objects.filter(pk__in=list(found.get(crossing_model, set())))
                   .values_list("local_date", flat=True))
        counts = _delete(found)
        _recompute_statistics(days)
        audit.record(actor=actor, action="traveller.erase", object_type="traveller",
                     object_id=traveller_ref(traveller_id), reason=reason,
                     after={"traveller_ref": traveller_ref(traveller_id), "counts": counts})
        if files:
            transaction.on_commit(lambda: rules._delete_files(files))
    return counts


def _recompute_statistics(days: set[Any]) -> None:
    """The person's days are recomputed from the records that remain (frozen days keep their figures)."""
    from openbmis.core import installation
    from openbmis.statistics import services as statistics

    if days and installation.is_hq():
        statistics.recompute(days)


def _delete(found: dict[type[models.Model], set[Any]]) -> dict[str, int]:
    """Delete the rows, those nothing else protects first, round after round (the links form no cycle once
    the identities merged into one another go leaf first)."""
    counts: dict[str, int] = {}
    remaining = {model: set(pks) for model, pks in found.items() if pks}
    for _round in range(MAX_ROUNDS):
        if not remaining:
            break
        for model in list(remaining):
            pks = remaining[model]
            queryset = model._default_manager.filter(pk__in=list(pks))
            if model._meta.label == "travellers.Traveller":
                # an identity merged into another protects that one: leaves first
                queryset = queryset.exclude(pk__in=model._default_manager.filter(merged_into_id__in=list(pks))
                                            .values("merged_into_id"))
            try:
                with transaction.atomic():
                    gone = rules._deleted(queryset)
            except ProtectedError:
                continue
            if gone:
                counts[model._meta.label] = counts.get(model._meta.label, 0) + gone
            left = set(model._default_manager.filter(pk__in=list(pks)).values_list("pk", flat=True))
            if left:
                remaining[model] = left
            else:
                del remaining[model]
    if remaining:
        raise Conflict(_("some records could not be erased (still protected): %(models)s")
                       % {"models": ", ".join(sorted(m._meta.label for m in remaining))})
    return counts
