"""Finding the traveller behind a document, and the supervisors' merge and split. All audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from openbmis.accounts import authz
from openbmis.accounts.actors import Actor
from openbmis.audit import services as audit
from openbmis.core import bulk
from openbmis.core.errors import AccessDenied, Conflict, InvalidInput
from openbmis.travellers import signals
from openbmis.travellers.fields import DocumentFields
from openbmis.travellers.models import TravelDocument, Traveller

# A new document is linked to an existing identity when birth date, nationality and sex are equal
# and the names agree at least this well (token-sort ratio, 0-100): renewed passports keep the name,
# but transliteration and added middle names vary a little.
LINK_THRESHOLD = 88.0


@dataclass(frozen=True)
class Resolution:
    traveller: Traveller
    document: TravelDocument
    how: str  # "known_document", "linked", "new"
    confidence: float


def _name(primary: str, secondary: str) -> str:
    return f"{primary} {secondary}".strip()


def current_identity(traveller: Traveller) -> Traveller:
    """The identity that ``traveller`` was merged into, followed to the end (itself when never merged)."""
    while traveller.merged_into_id is not None:
        merged = traveller.merged_into
        assert merged is not None  # its id is set
        traveller = merged
    return traveller


def identify(fields: DocumentFields) -> Resolution:
    """Who carries this document? Reads only: what is new comes back unsaved (``how`` = linked or new),
    so that checks can run before anything is written; :func:`register` then saves it.

    ``fields``: document_code, issuing_state, document_number, primary_identifier,
    secondary_identifier, nationality, birth_date (date or None), sex, expiry_date (date or None).
    """
    number = fields["document_number"]
    issuer = fields["issuing_state"]
    if not number or not issuer:
        raise InvalidInput(_("a document number and issuing state are needed to identify the traveller"),
                           field="document_number" if not number else "issuing_state")
    existing = TravelDocument.objects.select_related("traveller").filter(issuing_state=issuer, number=number).first()
    if existing is not None:
        return Resolution(current_identity(existing.traveller), existing, "known_document", existing.link_confidence)
    matched, confidence, reason = _match_identity(fields)
    how = "linked"
    if matched is not None:
        traveller = matched
    else:
        how, confidence, reason = "new", 1.0, "created with this document"
        traveller = Traveller(
            primary_identifier=fields["primary_identifier"], secondary_identifier=fields["secondary_identifier"],
            birth_date=fields.get("birth_date"), nationality=fields["nationality"], sex=fields.get("sex") or "X",
        )
    document = TravelDocument(
        traveller=traveller, document_code=fields["document_code"], issuing_state=issuer, number=number,
        expiry_date=fields.get("expiry_date"), link_confidence=confidence, link_reason=reason,
    )
    return Resolution(traveller, document, how, confidence)


def register(actor: Actor, resolution: Resolution, *, audited: bool = True) -> Resolution:
    """Save what :func:`identify` found new. Call inside the caller's transaction.

    ``audited=False`` leaves the audit event to the caller, which records what was created as part
    of its own event (the inspection does: one event per inspection keeps the counter fast).
    If another counter registered the same document meanwhile, theirs is returned.
    """
    if resolution.how == "known_document":
        return resolution
    traveller, document = resolution.traveller, resolution.document
    try:
        with transaction.atomic():
            if resolution.how == "new":
                traveller.save(force_insert=True)
            document.traveller = traveller
            document.save(force_insert=True)
    except IntegrityError:
        existing = TravelDocument.objects.select_related("traveller").get(
            issuing_state=document.issuing_state, number=document.number)
        return Resolution(existing.traveller, existing, "known_document", existing.link_confidence)
    if audited:
        if resolution.how == "new":
            audit.record(actor=actor, action="traveller.create", object_type="traveller",
                         object_id=str(traveller.id), after={"nationality": traveller.nationality})
        audit.record(actor=actor, action="document.register", object_type="travel_document",
                     object_id=str(document.id), after={"traveller": str(traveller.id), "how": resolution.how,
                                                        "confidence": round(resolution.confidence, 3)})
    return resolution


def resolve(actor: Actor, fields: DocumentFields) -> Resolution:
    """:func:`identify` and :func:`register` in one transaction, audited."""
    with transaction.atomic():
        return register(actor, identify(fields))


def _match_identity(fields: DocumentFields) -> tuple[Traveller | None, float, str]:
    birth: date | None = fields.get("birth_date")
    if birth is None:
        return None, 0.0, ""
    candidates = Traveller.objects.filter(
        birth_date=birth, nationality=fields["nationality"], sex=fields.get("sex") or "X", merged_into__isnull=True,
    )[:50]
    wanted = _name(fields["primary_identifier"], fields["secondary_identifier"])
    best: tuple[Traveller | None, float] = (None, 0.0)
    for candidate in candidates:
        score = fuzz.token_sort_ratio(wanted, _name(candidate.primary_identifier, candidate.secondary_identifier))
        if score > best[1]:
            best = (candidate, score)
    if best[0] is not None and best[1] >= LINK_THRESHOLD:
        # Never 1.0: that is kept for "created with this document". An exact name gives 0.95.
        confidence = round(0.5 + 0.45 * (best[1] - LINK_THRESHOLD) / (100 - LINK_THRESHOLD), 3)
        return best[0], confidence, f"same birth date, nationality and sex; name similarity {best[1]:.0f}/100"
    return None, 0.0, ""


def require_manage(actor: Actor, *people: Traveller) -> None:
    """The actor may merge and split these identities: a supervisor at a post where each was inspected, or
    nationally (the rule lives here so that the pages, the API and the CLI cannot differ). System actors are
    plain strings."""
    if isinstance(actor, str):
        return
    scope = authz.post_scope(actor, "travellers.manage")
    if isinstance(scope, authz.AllPosts):
        return
    for person in people:
        if not scope or not person.inspections.filter(border_post__in=scope).exists():  # type: ignore[attr-defined]
            raise AccessDenied(_("merging and splitting identities needs a supervisor at a post where the traveller "
                               "was inspected"), field="traveller")


def merge(actor: Actor, source: Traveller, target: Traveller, reason: str) -> Traveller:
    """Fold ``source`` into ``target``: its documents move; crossings follow their documents."""
    require_manage(actor, source, target)
    if source.pk == target.pk:
        raise InvalidInput(_("cannot merge a traveller into itself"), field="target")
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise Conflict(_("one of these identities has already been merged"))
    if not reason.strip():
        raise InvalidInput(_("a reason is required"), field="reason")
    with transaction.atomic():
        moved = list(source.documents.values_list("id", flat=True))
        # Row by row to the outbox at a node (bulk.update): the merge must reach headquarters.
        bulk.update(source.documents.all(), traveller=target)
        bulk.update(source.crossings.all(), traveller=target)
        bulk.update(source.inspections.all(), traveller=target)
        source.merged_into = target
        source.save(update_fields=["merged_into"])
        signals.crossings_moved.send(sender=Traveller, traveller_ids=[source.id, target.id])
        audit.record(actor=actor, action="traveller.merge", object_type="traveller", object_id=str(source.id),
                     before={"documents": [str(d) for d in moved]}, after={"merged_into": str(target.id)},
                     reason=reason)
    return target


def split(actor: Actor, document: TravelDocument, reason: str) -> Traveller:
    """Detach a wrongly linked document (and its crossings) into a new identity."""
    require_manage(actor, document.traveller)
    if not reason.strip():
        raise InvalidInput(_("a reason is required"), field="reason")
    old = document.traveller
    if old.documents.count() < 2:
        raise Conflict(_("this is the traveller's only document; nothing to split"))
    with transaction.atomic():
        new = Traveller.objects.create(
            primary_identifier=old.primary_identifier, secondary_identifier=old.secondary_identifier,
            birth_date=old.birth_date, nationality=old.nationality, sex=old.sex,
        )
        document.traveller = new
        document.link_confidence = 1.0
        document.link_reason = "split by a supervisor"
        document.save(update_fields=["traveller", "link_confidence", "link_reason"])
        bulk.update(document.crossings.all(), traveller=new)
        bulk.update(document.inspections.all(), traveller=new)
        signals.crossings_moved.send(sender=Traveller, traveller_ids=[old.id, new.id])
        audit.record(actor=actor, action="traveller.split", object_type="travel_document", object_id=str(document.id),
                     before={"traveller": str(old.id)}, after={"traveller": str(new.id)}, reason=reason)
    return new


# ----------------------------------------------------------------------------------------------- finding people
def search(actor: Actor, *, name: str = "", document: str = "", birth_date: date | None = None,
           limit: int = 50) -> list[Traveller]:
    """Travellers inspected at the posts where ``actor`` may see identities, by name (every word, surname or
    given names), document number and birth date. The search is audited (the criteria as short hashes)."""
    from django.db.models import Q

    from openbmis.accounts import authz
    from openbmis.audit.refs import value_ref

    authz.require(actor, "identities.view")
    words = [w for w in name.upper().replace("<", " ").split() if w]
    number = "".join(document.upper().split()).replace("<", "")
    if not words and not number and birth_date is None:
        raise InvalidInput(_("give a name, a document number or a birth date"), field="name")
    found = Traveller.objects.filter(merged_into=None)
    scope = authz.post_scope(actor, "identities.view")
    if not isinstance(scope, authz.AllPosts):
        found = found.filter(id__in=Traveller.objects.filter(inspections__border_post__in=scope).values("id"))
    for word in words:
        found = found.filter(Q(primary_identifier__icontains=word) | Q(secondary_identifier__icontains=word))
    if number:
        found = found.filter(id__in=TravelDocument.objects.filter(number=number).values("traveller_id"))
    if birth_date is not None:
        found = found.filter(birth_date=birth_date)
    results = list(found.order_by("primary_identifier", "secondary_identifier", "birth_date")[:limit])
    criteria = {"name": value_ref("name", " ".join(words)) if words else "",
                "document": value_ref("document", number) if number else "",
                "birth_date": bool(birth_date)}
    audit.record(actor=actor, action="traveller.search", object_type="traveller", after={
        "criteria": criteria, "results": len(results)})
    return results


def record_view(actor: Actor, traveller: Traveller) -> None:
    """Audit that ``actor`` opened a traveller's record (who looked at whom, and when)."""
    audit.record(actor=actor, action="traveller.view", object_type="traveller", object_id=str(traveller.id))
