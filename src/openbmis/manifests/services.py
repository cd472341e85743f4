"""The write path of advance passenger information: carriers, ingestion, pre-arrival screening, judgements,
the link to the counter on arrival, and the read-only reconciliation and compliance figures.

Screening before arrival runs the counter's own checkers (the registered ``document``, ``watchlist``,
``stolen_lost``, ``visa`` and ``entry_ban`` slots) on each listed person, so the rules are the same by
construction. A manifest person is never made a traveller: a traveller already known by the document is
used read-only (entry bans and remembered "no match" judgements apply), nobody new is created.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from os import PathLike
from typing import TYPE_CHECKING, TypedDict
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openbmis import paxlst
from openbmis.accounts import authz
from openbmis.accounts.actors import Actor, acting_user, user_of
from openbmis.accounts.models import ApiToken, User
from openbmis.audit import services as audit
from openbmis.audit.refs import value_ref
from openbmis.borderposts.models import BorderPost
from openbmis.core.errors import AccessDenied, InvalidInput, NotFound
from openbmis.inspections import checks as registry
from openbmis.inspections.check_details import details_of
from openbmis.manifests.models import Airport, Carrier, Manifest, ManifestPerson, PreArrivalHit
from openbmis.permits import checkers as permit_checks
from openbmis.permits import services as permits
from openbmis.travellers.fields import DocumentFields
from openbmis.travellers.services import current_identity

if TYPE_CHECKING:
    from openbmis.inspections.models import Inspection
    from openbmis.travellers.models import Traveller

log = logging.getLogger(__name__)

#: The counter's checks that apply before arrival (history, stay and chip need the traveller in front of us).
PRE_ARRIVAL_SLOTS = ("document", "watchlist", "stolen_lost", "visa", "entry_ban")
#: A manifest received later than this after the flight's departure counts as late (ICAO Annex 9: at departure).
LATE_AFTER_DEPARTURE = timedelta(minutes=30)
#: An arrival is matched to manifests of flights arriving within this many days of the inspection's day.
ARRIVAL_WINDOW_DAYS = 1
SUBMIT_SCOPE = "manifests:submit"


def _require(actor: Actor, perm: str, post: BorderPost | None = None, token: ApiToken | None = None) -> None:
    # Internal actors (the CLI, the drop-folder worker, the demo) are plain strings, as in the other apps.
    if isinstance(actor, str):
        return
    authz.require(actor, perm, post, token=token)


# ----------------------------------------------------------------------------------------------- carriers
def register_carrier(actor: Actor, *, code: str, name: str, account: User | None = None,
                     token: ApiToken | None = None) -> Carrier:
    _require(actor, "carriers.manage", token=token)
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not (2 <= len(code) <= 3 and code.isalnum()):
        raise InvalidInput(_("a carrier code is 2 (IATA) or 3 (ICAO) letters or digits"), field="code")
    if not name:
        raise InvalidInput(_("a carrier needs a name"), field="name")
    if Carrier.objects.filter(code=code).exists():
        raise InvalidInput(_("carrier %(code)s is already registered") % {"code": code}, field="code")
    with transaction.atomic():
        carrier = Carrier.objects.create(code=code, name=name[:120], account=account)
        audit.record(actor=actor, action="carrier.register", object_type="carrier", object_id=str(carrier.id),
                     object_label=code, after={"code": code, "name": carrier.name,
                                               "account": getattr(account, "username", None)})
    return carrier


def register_airport(actor: Actor, *, code: str, border_post: BorderPost, token: ApiToken | None = None) -> Airport:
    _require(actor, "carriers.manage", token=token)
    code = (code or "").strip().upper()
    if not (3 <= len(code) <= 5 and code.isalnum()):
        raise InvalidInput(_("an airport code is 3 to 5 letters or digits"), field="code")
    with transaction.atomic():
        airport, _created = Airport.objects.update_or_create(code=code, defaults={"border_post": border_post})
        audit.record(actor=actor, action="airport.register", object_type="airport", object_id=str(airport.id),
                     object_label=code, border_post_code=border_post.code, after={"border_post": border_post.code})
    return airport


def _carrier_of_account(actor: Actor) -> Carrier | None:
    user = user_of(actor)
    if user is None:
        return None
    return Carrier.objects.filter(account_id=user.pk, active=True).first()


def _authorise_submit(actor: Actor, token: ApiToken | None) -> Carrier | None:
    """A carrier's own account (token with the submit scope) submits for itself; administrators for any."""
    own = _carrier_of_account(actor)
    if own is not None:
        if token is not None and SUBMIT_SCOPE not in (token.scopes or []):
            raise AccessDenied(_("this API token lacks the scope %(scope)r")
                               % {"scope": SUBMIT_SCOPE}, scope=SUBMIT_SCOPE)
        return own
    if isinstance(actor, str):  # the system: drop folder, CLI
        return None
    authz.require(actor, "manifests.submit", token=token)
    return None


# ----------------------------------------------------------------------------------------------- ingestion
@dataclass
class Ingested:
    manifests: list[Manifest] = field(default_factory=list)
    errors: list[paxlst.IssueRecord] = field(default_factory=list)
    cusres: str = ""
    duplicate: bool = False


def _aware(iso: str | None, zone: tzinfo) -> datetime | None:
    if not iso:
        return None
    if len(iso) == 10:
        iso += "T00:00"
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M").replace(tzinfo=zone)


def _arrival(message: paxlst.Message) -> tuple[paxlst.Leg | None, BorderPost | None]:
    """The leg that arrives at one of our border posts (by airport code), else the first leg's destination."""
    codes = [leg.destination for leg in message.legs if leg.destination]
    airports = {a.code: a.border_post for a in Airport.objects.filter(code__in=codes).select_related("border_post")}
    posts = {p.code: p for p in BorderPost.objects.filter(code__in=codes)}
    for leg in message.legs:
        post = airports.get(leg.destination or "") or posts.get(leg.destination or "")
        if post is not None:
            return leg, post
    return message.arrival_leg, None


def _message_errors(result: paxlst.Interchange, message: paxlst.Message) -> list[paxlst.IssueRecord]:
    own = [e for e in result.errors if e.segment is None or message.first_segment <= e.segment <= message.last_segment
           or not any(m.first_segment <= e.segment <= m.last_segment for m in result.messages)]
    return [e.to_dict() for e in own]


def ingest(actor: Actor, content: bytes | str, *, source: str, token: ApiToken | None = None,
           now: datetime | None = None) -> Ingested:
    """Store each PAXLST message of an interchange, supersede earlier manifests of the same flight, and screen
    every listed person. Returns the stored manifests, the errors, and the CUSRES acknowledgement."""
    if source not in Manifest.Source.values:
        raise InvalidInput(_("source must be one of %(choices)s")
                           % {"choices": ', '.join(Manifest.Source.values)}, field="source")
    own_carrier = _authorise_submit(actor, token)
    raw = content if isinstance(content, bytes) else content.encode("utf-8")
    if not raw.strip():
        raise InvalidInput(_("the manifest is empty"), field="file")
    try:
        result = paxlst.parse(raw)
    except paxlst.PaxlstError as error:
        raise InvalidInput(_("not a PAXLST interchange: %(error)s")
                           % {"error": error.message}, field="file", code_name=error.code) from None
    now = now or timezone.now()
    digest = hashlib.sha256(raw).hexdigest()
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    out = Ingested(errors=[e.to_dict() for e in result.errors])
    out.cusres = paxlst.write_cusres(result, sender="OPENBMIS", reference=digest[:14].upper(),
                                     prepared=now.astimezone(UTC).replace(tzinfo=None))
    earlier = Manifest.objects.filter(sha256=digest).order_by("received_at")
    if earlier.exists():
        out.manifests, out.duplicate = list(earlier), True
        if own_carrier is not None and any(m.carrier_id != own_carrier.id for m in out.manifests):
            raise AccessDenied(_("carrier %(code)s may only submit its own flights")
                               % {"code": own_carrier.code}, field="carrier")
        return out
    submitter = user_of(actor)
    with transaction.atomic():
        for message in result.messages:
            code = (message.carrier or "").upper()
            if own_carrier is not None and code != own_carrier.code:
                raise AccessDenied(_("carrier %(code)s may only submit its own flights, not %(other_code)s")
                                   % {"code": own_carrier.code, "other_code": code or '?'},
                                   field="carrier")
            carrier = own_carrier or Carrier.objects.filter(code=code, active=True).first()
            if carrier is None:
                raise InvalidInput(_("carrier %(code)s is not registered")
                                   % {"code": code or '?'}, field="carrier")
            out.manifests.append(_store(submitter, carrier, result, message, text, digest, source, now))
    for manifest in out.manifests:
        screen_manifest(manifest)
    log.info("manifest interchange %s: %d message(s), %d error(s)", digest[:12], len(out.manifests),
             len(out.errors))
    return out


def _store(actor: User | None, carrier: Carrier, result: paxlst.Interchange, message: paxlst.Message, text: str,
           digest: str, source: str, now: datetime) -> Manifest:
    leg, post = _arrival(message)
    zone = ZoneInfo(post.time_zone) if post is not None else UTC
    first = message.legs[0] if message.legs else None
    arrival_at = _aware(leg.arrival if leg else None, zone)
    departure_at = _aware(leg.departure if leg else (first.departure if first else None), zone)
    flight_date = arrival_at.date() if arrival_at else (departure_at.date() if departure_at else None)
    kind = message.kind
    previous = (Manifest.objects.select_for_update()
                .filter(carrier=carrier, flight=message.flight[:20], flight_date=flight_date, kind=kind,
                        status=Manifest.Status.CURRENT).order_by("-received_at").first())
    manifest = Manifest(
        carrier=carrier, flight=message.flight[:20], kind=kind, function=message.function, arrival_post=post,
        origin=(leg.origin or "") if leg else "", destination=(leg.destination or "") if leg else "",
        departure_at=departure_at, arrival_at=arrival_at, flight_date=flight_date,
        message_reference=message.reference[:35], interchange_reference=result.reference[:35],
        version=message.version[:8], raw=text, sha256=digest, source=source, received_at=now,
        status=Manifest.Status.CANCELLED if message.function == "cancel" else Manifest.Status.CURRENT,
        supersedes=previous, errors=_message_errors(result, message), legs=[lg.to_dict() for lg in message.legs],
        person_count=len(message.persons), submitted_by=actor,
    )
    if previous is not None:
        previous.status = (Manifest.Status.CANCELLED if message.function == "cancel"
                           else Manifest.Status.SUPERSEDED)
        previous.save(update_fields=["status"])
    manifest.save(force_insert=True)
    persons = [_person_row(manifest, i, p) for i, p in enumerate(message.persons, start=1)]
    ManifestPerson.objects.bulk_create(persons, batch_size=500)
    manifest.incomplete_count = sum(1 for p in persons if p.incomplete)
    manifest.save(update_fields=["incomplete_count"])
    audit.record(actor=actor or "manifests", action="manifest.receive", object_type="manifest",
                 object_id=str(manifest.id), object_label=f"{carrier.code} {manifest.flight} {flight_date}",
                 border_post_code=post.code if post else "",
                 after={"sha256": digest, "source": source, "kind": kind, "function": message.function,
                        "persons": len(persons), "errors": len(manifest.errors),
                        "supersedes": str(previous.id) if previous else None})
    return manifest


def _date(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _person_row(manifest: Manifest, position: int, person: paxlst.Person) -> ManifestPerson:
    doc = person.documents[0] if person.documents else paxlst.Document()
    return ManifestPerson(
        manifest=manifest, position=position, role=person.role[:10], surname=person.surname[:120],
        given_names=person.given_names[:120], sex=(person.sex or "")[:1], birth_date=_date(person.birth_date),
        nationality=(person.nationality or "")[:3], document_type=doc.type[:3], document_number=doc.number[:35].upper(),
        issuing_state=(doc.issuing_state or "")[:3], expiry_date=_date(doc.expiry_date),
        embarkation=(person.embarkation or "")[:5], debarkation=(person.debarkation or "")[:5], data=person.to_dict(),
    )


# ----------------------------------------------------------------------------------------------- screening
def _document_fields(person: ManifestPerson) -> DocumentFields:
    return {
        "document_code": person.document_type if person.document_type in ("P", "PD", "PS", "I", "V") else "P",
        "issuing_state": person.issuing_state or person.nationality, "document_number": person.document_number,
        "primary_identifier": person.surname, "secondary_identifier": person.given_names,
        "nationality": person.nationality, "birth_date": person.birth_date, "sex": person.sex,
        "expiry_date": person.expiry_date,
    }


def _known_traveller(fields: DocumentFields) -> Traveller | None:
    """The traveller already holding this document, if any (read only: nobody is created)."""
    from openbmis.travellers.models import TravelDocument

    if not fields["document_number"] or not fields["issuing_state"]:
        return None
    found = (TravelDocument.objects.select_related("traveller")
             .filter(issuing_state=fields["issuing_state"], number=fields["document_number"]).first())
    if found is None:
        return None
    return current_identity(found.traveller)


def _known_travellers(documents: list[DocumentFields]) -> dict[tuple[str, str], Traveller]:
    """:func:`_known_traveller` for a whole manifest in one query per 500 documents."""
    from django.db.models import Q

    from openbmis.travellers.models import TravelDocument

    keys = {(d["issuing_state"], d["document_number"]) for d in documents if d["issuing_state"] and d["document_number"]}
    found: dict[tuple[str, str], Traveller] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        query = Q()
        for state, number in chunk:
            query |= Q(issuing_state=state, number=number)
        for doc in TravelDocument.objects.select_related("traveller").filter(query):
            found[(doc.issuing_state, doc.number)] = current_identity(doc.traveller)
    return found


def _run_checks(context: registry.InspectionContext) -> tuple[list[registry.Check], list[registry.HitRecord]]:
    found: list[registry.Check] = []
    hits: list[registry.HitRecord] = []
    for code in PRE_ARRIVAL_SLOTS:
        checker = registry.registered(code)
        if checker is None:
            found.append(registry.Check(code, "not_checked", "info", "This check is not available."))
            continue
        try:
            if connection.in_atomic_block:
                with transaction.atomic():  # a failed query stays this check's problem (PostgreSQL)
                    outcome = checker(context)
            else:
                outcome = checker(context)
        except Exception as exc:  # noqa: BLE001 - one failing check must not stop the screening
            log.warning("pre-arrival check %s could not run: %s", code, type(exc).__name__)
            found.append(registry.Check(code, "not_checked", "warning",
                                        f"The check could not run ({type(exc).__name__}): data missing?"))
            continue
        found.append(outcome.check)
        hits.extend(outcome.hits)
    return found, hits


def _save_outcomes(persons: list[ManifestPerson]) -> None:
    """Store each person's checks and screening result: one prepared UPDATE run for all rows (the ORM's
    ``bulk_update`` builds a CASE expression per row, which cost more than the screening it records)."""
    meta = ManifestPerson._meta
    checks, screening, pk = meta.get_field("checks"), meta.get_field("screening"), meta.pk
    assert pk is not None and pk.column and checks.column and screening.column
    qn = connection.ops.quote_name
    # only the model's own table and column names, quoted, are formatted in; every value is a bound parameter
    sql = (f"UPDATE {qn(meta.db_table)} SET {qn(checks.column)} = %s, {qn(screening.column)} = %s "  # noqa: S608
           f"WHERE {qn(pk.column)} = %s")
    rows = [(checks.get_db_prep_save(p.checks, connection), screening.get_db_prep_save(p.screening, connection),
             pk.get_db_prep_value(p.pk, connection)) for p in persons]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def screen_manifest(manifest: Manifest) -> Manifest:
    """Screen every person of ``manifest`` as the counter would on arrival; file hits in the pre-arrival queue."""
    from openbmis.watchlists.models import DocumentAlert, WatchlistEntry

    started = time.perf_counter()
    post = manifest.arrival_post
    at = manifest.arrival_at or manifest.received_at
    day = manifest.flight_date or at.date()
    persons = list(manifest.persons.all())
    hit_rows: list[PreArrivalHit] = []
    shared: dict[str, object] = {}
    documents = [_document_fields(p) for p in persons]
    known = _known_travellers(documents)
    # The visas, permits, rules and bans of the whole manifest in a few queries, not several per person.
    lookups = permits.arrival_lookups(documents, list(known.values()), day)
    for person, fields in zip(persons, documents, strict=True):
        context = registry.InspectionContext(
            border_post=post, direction="entry", document=fields, mrz_result=None,
            traveller=known.get((fields["issuing_state"], fields["document_number"])), travel_document=None,
            at=at, local_date=day, history=[],
            extra={"prearrival": True, "manifest": str(manifest.id), permit_checks.LOOKUPS: lookups},
        )
        if "watchlists.snapshot" in shared:
            context.extra["watchlists.snapshot"] = shared["watchlists.snapshot"]
        found, hits = _run_checks(context)
        if "watchlists.snapshot" in context.extra:
            shared["watchlists.snapshot"] = context.extra["watchlists.snapshot"]
        person.checks = [c.to_dict() for c in found]
        person.screening = (ManifestPerson.Screening.FINDINGS
                            if hits or any(c.status in ("fail", "warn") for c in found)
                            else ManifestPerson.Screening.CLEAR)
        if post is None:
            continue
        for data in hits:
            if data.get("kind") not in ("person", "document") or not data.get("entry_id"):
                continue
            is_person = data["kind"] == "person"
            hit_rows.append(PreArrivalHit(
                person=person, border_post=post, watchlist_id=data["watchlist_id"],
                entry_id=data["entry_id"] if is_person else None,
                document_alert_id=None if is_person else data["entry_id"], name=str(data.get("name", ""))[:300],
                score=float(data["score"]), algorithm=str(data.get("algorithm", ""))[:40],
                algorithm_version=str(data.get("version", ""))[:20], data=data,
            ))
    entry_ids = {h.entry_id for h in hit_rows if h.entry_id}
    alert_ids = {h.document_alert_id for h in hit_rows if h.document_alert_id}
    stored = set(WatchlistEntry.objects.filter(id__in=entry_ids).values_list("id", flat=True)) | set(
        DocumentAlert.objects.filter(id__in=alert_ids).values_list("id", flat=True))
    hit_rows = [h for h in hit_rows if str(h.entry_id or h.document_alert_id) in {str(s) for s in stored}]
    with transaction.atomic():
        _save_outcomes(persons)
        PreArrivalHit.objects.bulk_create(hit_rows, batch_size=500)
        manifest.screened_at = timezone.now()
        manifest.screening_ms = int((time.perf_counter() - started) * 1000)
        manifest.save(update_fields=["screened_at", "screening_ms"])
        audit.record(actor="manifests", action="manifest.screen", object_type="manifest",
                     object_id=str(manifest.id), border_post_code=post.code if post else "",
                     after={"persons": len(persons), "hits": len(hit_rows),
                            "findings": sum(1 for p in persons if p.screening == ManifestPerson.Screening.FINDINGS)})
    return manifest


# ----------------------------------------------------------------------------------------------- the queue


def get_hit(actor: Actor, hit_id: UUID | str, token: ApiToken | None = None) -> PreArrivalHit:
    hit = (PreArrivalHit.objects.select_related("person__manifest__carrier", "border_post", "watchlist")
           .filter(id=hit_id).first())
    if hit is None:
        raise NotFound(_("no such pre-arrival hit"), field="hit_id")
    authz.require(actor, "prearrival.adjudicate", hit.border_post, token=token)
    return hit


def queue(actor: Actor, *, border_post: BorderPost | None = None, status: str | None = "pending",
          token: ApiToken | None = None, limit: int = 200) -> list[PreArrivalHit]:
    """Pre-arrival hits of current manifests at the posts where ``actor`` adjudicates, soonest arrival first."""
    authz.require(actor, "prearrival.adjudicate", border_post, token=token)
    hits = PreArrivalHit.objects.select_related("person__manifest__carrier", "border_post", "watchlist",
                                                "judged_by").filter(person__manifest__status=Manifest.Status.CURRENT)
    if border_post is not None:
        hits = hits.filter(border_post=border_post)
    else:
        hits = authz.limit_to_scope(hits, actor, "prearrival.adjudicate", token)
    if status:
        if status not in PreArrivalHit.Status.values:
            raise InvalidInput(_("status must be one of %(choices)s")
                               % {"choices": ', '.join(PreArrivalHit.Status.values)}, field="status")
        hits = hits.filter(status=status)
    return list(hits.order_by("person__manifest__arrival_at", "created_at")[:limit])


def judge(actor: Actor, hit: PreArrivalHit, *, status: str, reason: str, token: ApiToken | None = None) -> PreArrivalHit:
    """A person's judgement of a pre-arrival hit, with a reason. Nothing is decided automatically: the counter
    shows the judgement beside its own checks (the advance check). Judgements made at the counter before
    (NoMatchMemory of a traveller already known by the document) are shown on pre-arrival hits as they are on
    counter hits, because screening runs the counter's own watchlist checker."""
    from openbmis.watchlists import services as watchlists

    authz.require(actor, "prearrival.adjudicate", hit.border_post_id, token=token)
    if isinstance(actor, str):
        raise AccessDenied(_("a judgement is made by a person"))
    reason = watchlists.check_judgement(status, reason)
    fields = ["status", "reason", "judged_by", "judged_at"]
    with transaction.atomic():
        locked = PreArrivalHit.objects.select_for_update().get(id=hit.id)
        before = audit.snapshot(locked, fields)
        locked.status, locked.reason, locked.judged_by, locked.judged_at = status, reason, acting_user(actor), timezone.now()
        locked.save(update_fields=fields)
        audit.record(actor=actor, action="prearrival_hit.judge", object_type="prearrival_hit",
                     object_id=str(locked.id), object_label=value_ref("name", locked.name),
                     border_post_code=hit.border_post.code, before=before, after=audit.snapshot(locked, fields),
                     reason=reason)
    return locked


# ----------------------------------------------------------------------------------------------- at the counter
def prearrival_no_match(context: registry.InspectionContext, entry_ids: list[str]) -> dict[str, registry.EarlierJudgement]:
    """The counter's watchlist checks ask here for "no match" judgements made before arrival: those of the
    pre-arrival hits on the manifest entry listing this document, for these list entries (or document alerts).
    Filed with the counter's hit, such a judgement becomes the traveller's no-match memory."""
    listed = find_listed(context.border_post, context.document, context.local_date) if entry_ids else []
    if not listed:
        return {}
    judged = (PreArrivalHit.objects.select_related("judged_by")
              .filter(person=listed[0], status=PreArrivalHit.Status.NO_MATCH)
              .filter(Q(entry_id__in=entry_ids) | Q(document_alert_id__in=entry_ids)).order_by("judged_at"))
    found: dict[str, registry.EarlierJudgement] = {}
    for hit in judged:
        if hit.judged_by is None or hit.judged_at is None:
            continue
        found[str(hit.entry_id or hit.document_alert_id)] = {
            "id": None, "by": hit.judged_by.get_username(), "by_id": str(hit.judged_by_id), "at": hit.judged_at.isoformat(),
            "date": hit.judged_at.date().isoformat(), "reason": hit.reason, "hit_id": None,
            "prearrival_hit": str(hit.id)}
    return found


def find_listed(border_post: BorderPost | None, document: Mapping[str, object], day: date) -> list[ManifestPerson]:
    """Persons of current manifests arriving at ``border_post`` around ``day`` who hold this document."""
    number = str(document.get("document_number") or "").upper()
    if not number or border_post is None:
        return []
    persons = ManifestPerson.objects.select_related("manifest__carrier").filter(
        document_number=number, manifest__arrival_post=border_post, manifest__status=Manifest.Status.CURRENT,
        manifest__flight_date__gte=day - timedelta(days=ARRIVAL_WINDOW_DAYS),
        manifest__flight_date__lte=day + timedelta(days=ARRIVAL_WINDOW_DAYS),
    )
    state = str(document.get("issuing_state") or "").upper()
    found = [p for p in persons if not state or not p.issuing_state or p.issuing_state == state]
    return sorted(found, key=lambda p: abs((p.manifest.flight_date - day).days) if p.manifest.flight_date else 9)


def flight_manifest(border_post: BorderPost | None, flight: str, day: date) -> Manifest | None:
    if not flight or border_post is None:
        return None
    return (Manifest.objects.filter(arrival_post=border_post, flight=flight.upper(), status=Manifest.Status.CURRENT,
                                    flight_date__gte=day - timedelta(days=ARRIVAL_WINDOW_DAYS),
                                    flight_date__lte=day + timedelta(days=ARRIVAL_WINDOW_DAYS))
            .order_by("-received_at").first())


def on_inspection_started(sender: object, inspection: Inspection, **kwargs: object) -> None:
    """Signal receiver: link the arriving traveller to their manifest entry (what reconciliation counts)."""
    if inspection.direction != "entry":
        return
    advance = details_of(inspection.checks, "advance")
    if advance is not None and advance.get("listed") is False:
        return  # the counter's advance check already looked: no current manifest lists this document
    local = timezone.localtime(inspection.created_at, ZoneInfo(inspection.border_post.time_zone)).date()
    document = {"document_number": inspection.document.number, "issuing_state": inspection.document.issuing_state}
    listed = [p for p in find_listed(inspection.border_post, document, local) if p.inspection_id is None]
    if not listed:
        return
    person = listed[0]
    person.inspection = inspection
    person.save(update_fields=["inspection"])
    audit.record(actor=inspection.officer, action="manifest.arrival", object_type="manifest_person",
                 object_id=str(person.id), border_post_code=inspection.border_post.code,
                 after={"manifest": str(person.manifest_id), "inspection": str(inspection.id)})


# ----------------------------------------------------------------------------------------------- reading
def list_manifests(actor: Actor, *, border_post: BorderPost | None = None, day: date | None = None,
                   token: ApiToken | None = None, limit: int = 200) -> list[Manifest]:
    authz.require(actor, "manifests.view", border_post, token=token)
    rows = Manifest.objects.select_related("carrier", "arrival_post")
    if border_post is not None:
        rows = rows.filter(arrival_post=border_post)
    else:
        scope = authz.post_scope(actor, "manifests.view", token)
        if not isinstance(scope, authz.AllPosts):
            rows = rows.filter(arrival_post_id__in=scope)
    if day is not None:
        rows = rows.filter(flight_date=day)
    return list(rows.order_by("-received_at")[:limit])


def get_manifest(actor: Actor, manifest_id: UUID | str, token: ApiToken | None = None) -> Manifest:
    manifest = Manifest.objects.select_related("carrier", "arrival_post").filter(id=manifest_id).first()
    if manifest is None:
        raise NotFound(_("no such manifest"), field="manifest_id")
    if manifest.arrival_post is None:
        authz.require(actor, "manifests.view", token=token)
        if not isinstance(authz.post_scope(actor, "manifests.view", token), authz.AllPosts):
            raise AccessDenied(_("this manifest arrives at no registered post: national access only"))
    else:
        authz.require(actor, "manifests.view", manifest.arrival_post, token=token)
    return manifest


class NoShow(TypedDict):
    person: str
    position: int
    role: str


class NotListed(TypedDict):
    inspection: str
    at: str  # ISO time the inspection began


class FieldMismatch(TypedDict):
    manifest: str  # as the manifest gives it (a date in ISO form)
    document: str  # as the document was read at the counter


class Mismatch(TypedDict):
    person: str
    position: int
    inspection: str
    fields: dict[str, FieldMismatch]  # by the manifest's field: surname, nationality, sex, birth_date


class Reconciliation(TypedDict):
    """A manifest after arrival (``reconcile``): returned by the API and shown on the manifest's page."""

    manifest: str
    carrier: str
    flight: str
    date: str | None
    status: str
    listed: int
    arrived: int
    no_shows: list[NoShow]  # empty until the flight has arrived
    pending: int  # listed, not yet inspected, before the flight has arrived
    not_listed: list[NotListed]
    mismatches: list[Mismatch]


class CarrierFigures(TypedDict):
    """One carrier's compliance counts (``carrier_figures``): the API, the compliance page and the statistics."""

    carrier: str
    name: str
    manifests: int
    late: int
    incomplete: int
    with_errors: int
    missing: int
    listed: int
    no_shows: int
    not_listed: int
    flights: int


def is_late(manifest: Manifest) -> bool:
    return manifest.departure_at is not None and manifest.received_at > manifest.departure_at + LATE_AFTER_DEPARTURE


def _same(a: object, b: object) -> bool:
    return str(a or "").strip().upper() == str(b or "").strip().upper()


def reconcile(manifest: Manifest) -> Reconciliation:
    """After arrival: listed and arrived, no-shows, arrivals on the flight not listed, and data mismatches."""
    from openbmis.inspections.models import Inspection

    persons = list(manifest.persons.select_related("inspection__document"))
    arrived = [p for p in persons if p.inspection_id]
    no_shows = [p for p in persons if not p.inspection_id]
    mismatches: list[Mismatch] = []
    for p in arrived:
        assert p.inspection is not None
        data = p.inspection.document_data or {}
        diffs: dict[str, FieldMismatch] = {}
        for ours, theirs in (("surname", "primary_identifier"), ("nationality", "nationality"), ("sex", "sex"),
                             ("birth_date", "birth_date")):
            mine = getattr(p, ours)
            mine = mine.isoformat() if isinstance(mine, date) else mine
            read = data.get(theirs)
            if mine and read and not _same(mine, read):
                diffs[ours] = {"manifest": mine, "document": read}
        if diffs:
            mismatches.append({"person": str(p.id), "position": p.position, "inspection": str(p.inspection_id),
                               "fields": diffs})
    not_listed: list[NotListed] = []
    if manifest.arrival_post_id and manifest.flight_date:
        linked = {p.inspection_id for p in arrived}
        day = manifest.flight_date
        start = datetime.combine(day - timedelta(days=ARRIVAL_WINDOW_DAYS), datetime.min.time(), tzinfo=UTC)
        end = datetime.combine(day + timedelta(days=ARRIVAL_WINDOW_DAYS + 1), datetime.min.time(), tzinfo=UTC)
        others = Inspection.objects.filter(border_post_id=manifest.arrival_post_id, direction="entry",
                                           transport_id=manifest.flight, created_at__gte=start, created_at__lt=end)
        not_listed = [{"inspection": str(i.id), "at": i.created_at.isoformat()} for i in others if i.id not in linked]
    arrived_flag = manifest.arrival_at is not None and manifest.arrival_at <= timezone.now()
    return {
        "manifest": str(manifest.id), "carrier": manifest.carrier.code, "flight": manifest.flight,
        "date": manifest.flight_date.isoformat() if manifest.flight_date else None, "status": manifest.status,
        "listed": len(persons), "arrived": len(arrived),
        "no_shows": [{"person": str(p.id), "position": p.position, "role": p.role} for p in no_shows]
        if arrived_flag else [],
        "pending": 0 if arrived_flag else len(no_shows),
        "not_listed": not_listed, "mismatches": mismatches,
    }


def compliance(actor: Actor, *, start: date, end: date, token: ApiToken | None = None) -> list[CarrierFigures]:
    """Per carrier, manifests received for flights arriving in [start, end): late, incomplete, with errors, and
    flights seen at the counter (inspections naming the carrier's flight) with no manifest at all."""
    authz.require(actor, "manifests.view", token=token)
    scope = authz.post_scope(actor, "manifests.view", token)
    return carrier_figures(start=start, end=end, post_ids=None if isinstance(scope, authz.AllPosts) else set(scope))


def carrier_figures(*, start: date, end: date, post_ids: Collection[UUID] | None = None,
                    now: datetime | None = None) -> list[CarrierFigures]:
    """The exact compliance counts per carrier for flights arriving in [start, end) at ``post_ids`` (None: all
    posts): ``manifests``, ``flights``, ``late``, ``incomplete``, ``with_errors``, ``missing`` (flights named at
    the counter with no manifest), ``listed`` (persons on current manifests), ``no_shows`` (listed, never
    inspected, on flights that have arrived) and ``not_listed`` (entry inspections in the period naming a
    manifested flight that matched no listed person). Read only, no access check: callers check (this app's compliance
    page, the statistics dashboard with its small-cell protection)."""
    from openbmis.inspections.models import Inspection

    now = now or timezone.now()
    rows = (Manifest.objects.filter(flight_date__gte=start, flight_date__lt=end)
            .exclude(status=Manifest.Status.CANCELLED).select_related("carrier"))
    inspections = Inspection.objects.filter(direction="entry", created_at__date__gte=start,
                                            created_at__date__lt=end).exclude(transport_id="")
    if post_ids is not None:
        rows = rows.filter(arrival_post_id__in=post_ids)
        inspections = inspections.filter(border_post_id__in=post_ids)

    def blank(code: str, name: str) -> CarrierFigures:
        return {"carrier": code, "name": name, "manifests": 0, "late": 0, "incomplete": 0, "with_errors": 0,
                "missing": 0, "listed": 0, "no_shows": 0, "not_listed": 0, "flights": 0}

    by_carrier: dict[str, CarrierFigures] = {}
    flights: dict[str, set[str]] = {}  # carrier code -> its flights with a manifest
    manifested: dict[str, str] = {}  # flight -> carrier code
    for m in rows:
        figures = by_carrier.setdefault(m.carrier.code, blank(m.carrier.code, m.carrier.name))
        figures["manifests"] += 1
        figures["late"] += int(is_late(m))
        figures["incomplete"] += int(m.incomplete_count > 0)
        figures["with_errors"] += int(bool(m.errors))
        flights.setdefault(m.carrier.code, set()).add(m.flight)
        manifested[m.flight] = m.carrier.code
    persons = (ManifestPerson.objects.filter(manifest__in=rows.filter(status=Manifest.Status.CURRENT))
               .values("manifest__carrier__code")
               .annotate(listed=Count("id"), no_shows=Count("id", filter=Q(inspection__isnull=True,
                                                                             manifest__arrival_at__lte=now))))
    for counted in persons:
        figures = by_carrier[counted["manifest__carrier__code"]]
        figures["listed"], figures["no_shows"] = counted["listed"], counted["no_shows"]
    carriers = {c.code: c for c in Carrier.objects.all()}
    seen = (inspections.values("transport_id").annotate(n=Count("id")).filter(~Q(transport_id__in=manifested)))
    for row in seen:
        flight = row["transport_id"]
        code = next((c for c in sorted(carriers, key=len, reverse=True) if flight.startswith(c)), None)
        if code is None:
            continue
        by_carrier.setdefault(code, blank(code, carriers[code].name))["missing"] += 1
    # arrivals not listed: entry inspections naming a manifested flight that no listed person was linked to
    linked = ManifestPerson.objects.filter(manifest__in=rows, inspection__isnull=False).values("inspection_id")
    unlisted = (inspections.filter(transport_id__in=manifested).exclude(id__in=linked)
                .values("transport_id").annotate(n=Count("id")))
    for row in unlisted:
        by_carrier[manifested[row["transport_id"]]]["not_listed"] += row["n"]
    out = []
    for figures in sorted(by_carrier.values(), key=lambda f: f["carrier"]):
        figures["flights"] = len(flights.get(figures["carrier"], ()))
        out.append(figures)
    return out


# ----------------------------------------------------------------------------------------------- drop folder
@dataclass
class FolderRun:
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def ingest_folder(folder: str | PathLike[str], actor: str = "drop-folder") -> FolderRun:
    """Ingest every file lying in ``folder``: move it to ``processed/`` (CUSRES beside it in ``cusres/``), or to
    ``rejected/`` with a ``.error.txt`` naming why. Files whose name starts with ``.`` are still being written."""
    from pathlib import Path

    root = Path(folder)
    run = FolderRun()
    for sub in ("processed", "rejected", "cusres"):
        (root / sub).mkdir(exist_ok=True)
    for path in sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            done = ingest(actor, path.read_bytes(), source="folder")
        except (InvalidInput, AccessDenied, NotFound) as exc:
            (root / "rejected" / f"{path.name}.error.txt").write_text(f"{exc.message}\n", encoding="utf-8")
            path.replace(root / "rejected" / path.name)
            run.rejected.append(path.name)
            continue
        (root / "cusres" / f"{path.name}.cusres").write_text(done.cusres, encoding="utf-8")
        path.replace(root / "processed" / path.name)
        run.accepted.append(path.name)
    return run
