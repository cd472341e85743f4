"""One passport, one identity, across installations: the fold applied when the same new document was first
seen at two offline posts.

The identity whose document has the earliest id (UUIDv7: the one made first, by the clock of the post that made
it) is kept. The same function runs at headquarters, when the later of the two arrives, and at the node that holds
the folded one, when headquarters sends the fold down, so both end with the same rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

DOCUMENT = "travellers.TravelDocument"
TRAVELLER = "travellers.Traveller"


@dataclass(frozen=True)
class Fold:
    """The document ``document_from`` (and its identity ``traveller_from``) folded into the kept ones."""

    document_from: str
    document_to: str
    traveller_from: str
    traveller_to: str

    def as_dict(self) -> dict[str, str]:
        return {"document_from": self.document_from, "document_to": self.document_to,
                "traveller_from": self.traveller_from, "traveller_to": self.traveller_to}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fold:
        return cls(str(data["document_from"]), str(data["document_to"]), str(data["traveller_from"]),
                   str(data["traveller_to"]))


def earlier(a: Any, b: Any) -> bool:
    """Whether id ``a`` was made before id ``b`` (UUIDv7 ids order by their time prefix)."""
    return uuid.UUID(str(a)).int < uuid.UUID(str(b)).int


def repoint(target: type[models.Model], from_id: str, to_id: str) -> int:
    """Every foreign key to ``target``'s row ``from_id``, in every model, now names ``to_id`` (queryset updates:
    this is the fold itself, made alike at each installation, not a change to synchronise)."""
    moved = 0
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is target:
                moved += model._default_manager.filter(**{f.attname: from_id}).update(**{f.attname: to_id})
    return moved


def apply_fold(fold: Fold, kept_rows: dict[str, models.Model | None]) -> None:
    """Fold at this installation, inside the caller's transaction (foreign keys are deferred to commit).

    ``kept_rows`` are the kept traveller and document as unsaved instances (``TRAVELLER``, ``DOCUMENT``), inserted
    when this installation does not hold them yet; None where the caller inserts it itself.
    """
    from openbmis.network import records
    from openbmis.travellers.models import TravelDocument, Traveller

    kept_traveller = kept_rows.get(TRAVELLER)
    if kept_traveller is not None and not Traveller.objects.filter(pk=fold.traveller_to).exists():
        records.upsert(kept_traveller)
    if fold.document_from != fold.document_to:
        repoint(TravelDocument, fold.document_from, fold.document_to)
        # The folded document goes before the kept one comes in: they share issuing state and number.
        TravelDocument.objects.filter(pk=fold.document_from).delete()
    kept_document = kept_rows.get(DOCUMENT)
    if kept_document is not None and not TravelDocument.objects.filter(pk=fold.document_to).exists():
        records.upsert(kept_document)
    if fold.traveller_from != fold.traveller_to:
        repoint(Traveller, fold.traveller_from, fold.traveller_to)
        Traveller.objects.filter(pk=fold.traveller_from).update(merged_into_id=fold.traveller_to)
