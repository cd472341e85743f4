"""The write path of border inspection: start an inspection, decide it, work a referral. Audited."""

from __future__ import annotations

import logging
import time
import unicodedata
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openbmis import mrz
from openbmis.accounts import authz
from openbmis.accounts.actors import Actor, acting_user, actor_id
from openbmis.accounts.models import ApiToken
from openbmis.audit import services as audit
from openbmis.borderposts.models import BorderPost, Lane
from openbmis.core import bulk
from openbmis.core.errors import Conflict, InvalidInput, NotFound
from openbmis.core.pii import short_hash
from openbmis.core.uploads import megabytes, upload_limit
from openbmis.inspections import checks as registry
from openbmis.inspections import messages, mrz_texts, signals
from openbmis.inspections.check_details import ChipDetails, details_of
from openbmis.inspections.messages import said
from openbmis.inspections.models import Crossing, Direction, Inspection, Referral, ReferralNote, RefusalReason
from openbmis.travellers import services as travellers
from openbmis.travellers.fields import DocumentFields

if TYPE_CHECKING:
    from openbmis.trust.models import ChipVerification

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Started:
    inspection: Inspection
    created: bool


def _post_day(post: BorderPost, at: datetime) -> date:
    return at.astimezone(zoneinfo.ZoneInfo(post.time_zone)).date()


def _document_from_mrz(text: str) -> tuple[DocumentFields, mrz.MRZResult]:
    try:
        result = mrz.parse(text)
    except mrz.MRZError as exc:
        raise InvalidInput(_("MRZ not readable: %(error)s")
                           % {"error": mrz_texts.error_text(exc)}, field="mrz") from None
    fields = result.fields()
    document: DocumentFields = {
        "document_code": fields.document_code.replace("<", ""),
        "issuing_state": fields.issuing_state,
        "document_number": fields.document_number,
        "primary_identifier": fields.primary_identifier,
        "secondary_identifier": fields.secondary_identifier,
        "nationality": fields.nationality,
        "birth_date": fields.birth_date,
        "sex": fields.sex if fields.sex in {"M", "F"} else "X",
        "expiry_date": fields.expiry_date,
    }
    return document, result


NATIONAL_NAME_MAX = 120
# joiners that some scripts need inside words (Persian, the Indic scripts): the only format characters allowed
_JOINERS = {"\u200c", "\u200d"}


def _national_name(text: str) -> str:
    """The holder's name in their own script as typed: NFC, spaces collapsed; at least one letter, no control or
    format characters (but the joiners), at most ``NATIONAL_NAME_MAX`` characters."""
    name = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not name:
        return ""
    if len(name) > NATIONAL_NAME_MAX:
        raise InvalidInput(_("the name in the holder's script is too long (%(length)d characters; at most %(max)d)")
                           % {"length": len(name), "max": NATIONAL_NAME_MAX}, field="national_name")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") and c not in _JOINERS for c in name):
        raise InvalidInput(_("the name in the holder's script holds a control or invisible character"),
                           field="national_name")
    if not any(unicodedata.category(c).startswith("L") for c in name):
        raise InvalidInput(_("the name in the holder's script has no letter"), field="national_name")
    return name


def _document_from_fields(data: Mapping[str, object]) -> DocumentFields:
    """The fields typed by hand, checked: the required ones given, state codes known, days as YYYY-MM-DD."""
    missing = [name for name in ("document_number", "issuing_state", "primary_identifier", "nationality")
               if not str(data.get(name) or "").strip()]
    if missing:
        raise InvalidInput(_("missing document field(s): %(missing)s")
                           % {"missing": ', '.join(missing)}, field=f"document.{missing[0]}")

    def text(name: str) -> str:
        return str(data.get(name) or "").strip().upper()

    def day(name: str) -> date | None:
        value = data.get(name)
        if isinstance(value, date):
            return value
        if value is None or value == "":
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(_("%(name)s: expected YYYY-MM-DD, got %(value)r")
                               % {"name": name.replace('_', ' '), "value": value},
                               field=f"document.{name}") from None

    for name in ("issuing_state", "nationality"):
        if mrz.lookup_state(text(name)) is None:
            raise InvalidInput(_("%(name)s: unknown state code %(code)r")
                               % {"name": name.replace('_', ' '), "code": text(name)},
                               field=f"document.{name}")
    sex = text("sex")
    return DocumentFields(
        document_code=text("document_code") or "P", issuing_state=text("issuing_state"),
        document_number=text("document_number"), primary_identifier=text("primary_identifier"),
        secondary_identifier=text("secondary_identifier"), nationality=text("nationality"),
        birth_date=day("birth_date"), sex=sex if sex in {"M", "F"} else "X", expiry_date=day("expiry_date"),
    )


def _resolve_direction(post: BorderPost, lane_code: str | None, direction: str | None) -> tuple[Lane | None, str]:
    lane = None
    if lane_code:
        lane = post.lanes.filter(code=lane_code, active=True).first()
        if lane is None:
            raise InvalidInput(_("border post %(code)s has no active lane %(lane_code)r")
                               % {"code": post.code, "lane_code": lane_code}, field="lane")
        if lane.direction in (Direction.ENTRY, Direction.EXIT):
            if direction and direction != lane.direction:
                raise InvalidInput(_("lane %(code)s is an %(direction)s lane, not %(wanted)s")
                                   % {"code": lane.code, "direction": lane.direction, "wanted": direction}, field="direction")
            return lane, lane.direction
    if direction not in (Direction.ENTRY, Direction.EXIT):
        raise InvalidInput(_("direction must be 'entry' or 'exit'"), field="direction")
    return lane, direction


def _retried(existing: Inspection, border_post: BorderPost, actor: Actor) -> Inspection:
    """A retry hands back its own inspection only: same post, same officer; anything else is a clash."""
    if existing.border_post_id != border_post.id or existing.officer_id != actor_id(actor):
        raise Conflict(_("this client_id belongs to another inspection"), field="client_id")
    return existing


def _visible_posts(actor: Actor, token: ApiToken | None) -> frozenset[UUID] | None:
    """The posts whose records the officer may see of an identity (None: every post)."""
    scope = authz.post_scope(actor, "identities.view", token)
    return None if isinstance(scope, authz.AllPosts) else scope


def start_inspection(
    actor: Actor,
    *,
    border_post: BorderPost,
    client_id: UUID,
    direction: str | None = None,
    lane_code: str | None = None,
    mrz_text: str | None = None,
    document: Mapping[str, object] | None = None,
    purpose: str = "",
    travel_mode: str = "",
    transport_id: str = "",
    national_name: str = "",
    token: ApiToken | None = None,
) -> Started:
    """Read the document, identify the traveller, run every check, and record the inspection.

    The same ``client_id`` again returns the inspection already made (a retry after a lost
    response), never a second one. ``national_name`` is the holder's name in their own script as the officer
    typed it from the data page (kept with the document, shown beside the MRZ name).
    """
    authz.require(actor, "inspections.primary", border_post, token=token)
    # A retry is found by the unique client_id when the insert below fails, not by a query up front: retries are
    # rare and every inspection would pay for that query. A closed post still hands back what it already made.
    if border_post.status != BorderPost.Status.ACTIVE:
        existing = Inspection.objects.filter(client_id=client_id).first()
        if existing is not None:
            return Started(_retried(existing, border_post, actor), False)
        raise Conflict(_("border post %(code)s is %(status)s")
                       % {"code": border_post.code, "status": border_post.status}, field="border_post")
    if bool(mrz_text and mrz_text.strip()) == bool(document):
        raise InvalidInput(_("give either 'mrz' or 'document' (the fields typed by hand)"), field="mrz")
    from openbmis.inspections.models import Purpose, TravelMode

    for name, value, choices in (("purpose", purpose, Purpose.values),
                                 ("travel_mode", travel_mode, TravelMode.values)):
        if value and value not in choices:
            raise InvalidInput(_("%(name)s: expected one of %(choices)s")
                               % {"name": name, "choices": ', '.join(choices)}, field=name)

    national = _national_name(national_name)
    started = time.perf_counter()
    lane, direction = _resolve_direction(border_post, lane_code, direction)
    if mrz_text and mrz_text.strip():
        fields, mrz_result = _document_from_mrz(mrz_text)
    else:
        fields, mrz_result = _document_from_fields(document or {}), None

    now = timezone.now()
    resolution = travellers.identify(fields)
    history = []
    if not resolution.traveller._state.adding:  # a known or linked traveller has a history
        history = list(
            # the post is named in the history flags; a crossing's document (its number sealed) only when an exit
            # is made with another one, so it is read then, not unsealed for every row here
            Crossing.objects.filter(traveller=resolution.traveller)
            .select_related("border_post").order_by("-at")[:50]
        )
    context = registry.InspectionContext(
        border_post=border_post, direction=direction, document=fields, mrz_result=mrz_result,
        traveller=resolution.traveller, travel_document=resolution.document, at=now,
        local_date=_post_day(border_post, now), history=history,
        extra={"identity": {"how": resolution.how, "confidence": resolution.confidence},
               "visible_posts": _visible_posts(actor, token),
               "transport_id": transport_id.strip().upper()[:20]},
    )
    found, hits, timings = registry.run_all(context)
    # a plain dict (the MRZ reading's TypedDict copied) as the national name may be added to it
    document_data: dict[str, object] = {**mrz_result.to_dict()} if mrz_result is not None else {
        **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()}, "format": "manual",
    }
    if national:
        document_data["national_name"] = national
    try:
        # One short write transaction: the new identity (if any), the inspection and one audit event.
        with transaction.atomic():
            resolution = travellers.register(actor, resolution, audited=False)
            inspection = Inspection(
                client_id=client_id, border_post=border_post, lane=lane, direction=direction, officer=acting_user(actor),
                traveller=resolution.traveller, document=resolution.document, mrz=(mrz_text or "").strip(),
                document_data=document_data, checks=[c.to_dict() for c in found], hits=hits,
                suggested_action=registry.suggested_action(found, hits), purpose=purpose, travel_mode=travel_mode,
                transport_id=transport_id.strip().upper()[:20],
                duration_ms=int((time.perf_counter() - started) * 1000),
            )
            inspection.save(force_insert=True)
            audit.record(actor=actor, action="inspection.start", object_type="inspection",
                         object_id=str(inspection.id), border_post_code=border_post.code,
                         after={"direction": direction, "traveller": str(resolution.traveller.id),
                                "document": str(resolution.document.id), "identity": resolution.how,
                                "link_confidence": round(resolution.confidence, 3),
                                "suggested_action": inspection.suggested_action,
                                "checks": {c.code: c.status for c in found}, "hits": len(hits)})
            signals.inspection_started.send(sender=Inspection, inspection=inspection)
    except IntegrityError:
        # The same client_id raced in from a retry: hand back the one that won.
        winner = Inspection.objects.filter(client_id=client_id).first()
        if winner is None:
            raise
        return Started(_retried(winner, border_post, actor), False)
    log.info("inspection %s post=%s doc=%s checks=%s ms=%s", inspection.id, border_post.code,
             short_hash(fields["document_number"]), timings and {k: round(v, 1) for k, v in timings.items()},
             inspection.duration_ms)
    return Started(inspection, True)


def get_inspection(actor: Actor, inspection_id: UUID, token: ApiToken | None = None) -> Inspection:
    inspection = (
        Inspection.objects.select_related("border_post", "traveller", "document", "officer")
        .filter(id=inspection_id).first()
    )
    if inspection is None:
        raise NotFound(_("no inspection %(inspection_id)s") % {"inspection_id": inspection_id})
    authz.require(actor, "identities.view", inspection.border_post, token=token)
    return inspection


def _check_reasons(codes: list[str]) -> list[str]:
    if not codes:
        raise InvalidInput(_("a refusal needs at least one reason"), field="reasons")
    known = set(RefusalReason.objects.filter(active=True, code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise InvalidInput(_("unknown refusal reason(s): %(unknown)s")
                           % {"unknown": ', '.join(unknown)}, field="reasons")
    return list(dict.fromkeys(codes))


@dataclass(frozen=True)
class Blocker:
    """A failed check that stops an admission until a person clears it (or a supervisor overrides it)."""

    code: str
    message: str


def blocking_checks(inspection: Inspection) -> list[Blocker]:
    """The inspection's failed checks of a blocking kind (OPENBMIS_BLOCKING_CHECKS) that no review has cleared:
    a watchlist or stolen/lost hit not yet judged "no match", an entry ban in force, a failed chip signature."""
    blocking = set(settings.OPENBMIS_BLOCKING_CHECKS)
    return [
        Blocker(check["code"], messages.render_check(check))
        for check in inspection.checks
        if check.get("code") in blocking and check.get("status") == "fail"
        and not registry.cleared(inspection, check["code"])
    ]


def may_override(actor: Actor, inspection: Inspection, token: ApiToken | None = None) -> bool:
    """Whether ``actor`` may admit over this inspection's blocking checks (role and the four-eyes rule)."""
    if not authz.has_permission(actor, "inspections.override", inspection.border_post_id, token=token):
        return False
    return not (settings.OPENBMIS_OVERRIDE_FOUR_EYES and inspection.officer_id == actor_id(actor))


def _blocked_message(blockers: list[Blocker]) -> str:
    labels = ", ".join(str(registry.SLOT_LABELS.get(b.code, b.code)) for b in blockers)
    return _("Admission blocked until reviewed: %(checks)s (%(messages)s). Refer the traveller or refuse entry; "
             "only a supervisor may admit over these checks, with a reason.") % {
        "checks": labels, "messages": "; ".join(b.message for b in blockers)}


def suggested_stay(inspection: Inspection) -> date | None:
    """The permitted last day the stay check computed for an entry (None when it computed none)."""
    details = details_of(inspection.checks, "stay")
    value = details.get("permitted_until") if details else None
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _admission_rules(actor: Actor, locked: Inspection, note: str, token: ApiToken | None) -> tuple[list[str], list[str]]:
    """Apply the counter's safety rules to an admission; return the crossing's extra flags and the codes of the
    failed checks it goes against. Raises Conflict (blocked) or InvalidInput (a reason is missing)."""
    blockers = blocking_checks(locked)
    if blockers:
        codes = [b.code for b in blockers]
        if not authz.has_permission(actor, "inspections.override", locked.border_post_id, token=token):
            raise Conflict(_blocked_message(blockers), field="decision", blocking_checks=codes)
        if settings.OPENBMIS_OVERRIDE_FOUR_EYES and locked.officer_id == actor_id(actor):
            raise Conflict(_("Four-eyes rule: the officer who inspected this traveller cannot also admit over %(codes)s; another supervisor must decide.")
                           % {"codes": ', '.join(codes)}, field="decision",
                           blocking_checks=codes)
        if not note:
            raise InvalidInput(_("admitting over blocking checks (%(codes)s) needs a written reason")
                               % {"codes": ', '.join(codes)},
                               field="note")
        failed = [c["code"] for c in locked.checks if c.get("status") == "fail" and c["code"] not in codes]
        return ["override"], codes + failed
    failed = [c["code"] for c in locked.checks if c.get("status") == "fail"]
    if failed or locked.suggested_action != "admit":
        if not note:
            against = ", ".join(failed) or f"the suggestion to {locked.suggested_action}"
            raise InvalidInput(_("admitting against %(against)s needs a reason")
                               % {"against": against}, field="note")
        return ["against_suggestion"], failed
    return [], []


def decide(
    actor: Actor,
    inspection: Inspection,
    *,
    decision: str,
    reasons: list[str] | None = None,
    permitted_until: date | None = None,
    note: str = "",
    token: ApiToken | None = None,
) -> Crossing | Referral:
    """Admit (or allow an exit), refuse or refer. A second decision on the same inspection is a Conflict.

    The counter's safety rules hold here, for the UI, the API and synchronisation alike: a failed blocking check
    (see :func:`blocking_checks`) leaves the primary officer only refer or refuse, and a supervisor admits over it
    with a reason (crossing flagged ``override``); admitting against any other failed check or a suggestion to
    refer needs a reason (flagged ``against_suggestion``). An entry admitted without ``permitted_until`` gets the
    stay the checks computed.
    """
    post = inspection.border_post
    if decision not in ("admit", "refuse", "refer"):
        raise InvalidInput(_("decision must be admit, refuse or refer"), field="decision")
    note = (note or "").strip()
    if reasons and decision != "refuse":
        raise InvalidInput(_("refusal grounds are given only with a refusal; untick them or choose refuse"),
                           field="reasons")
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.status == Inspection.Status.DECIDED:
            raise Conflict(_("this inspection has already been decided"))
        if locked.status == Inspection.Status.VOIDED:
            raise Conflict(_("this inspection was voided; start a new inspection"))
        if locked.status == Inspection.Status.REFERRED:
            # Only secondary inspection decides a referred traveller, and it cannot refer again.
            authz.require(actor, "inspections.secondary", post, token=token)
            if decision == "refer":
                raise Conflict(_("this traveller is already in secondary inspection"))
        else:
            authz.require(actor, "inspections.primary", post, token=token)
        if decision == "refer":
            if not note:
                raise InvalidInput(_("a referral needs a reason"), field="note")
            referral = Referral.objects.create(inspection=locked, border_post=post, reason=note, referred_by=acting_user(actor))
            locked.status = Inspection.Status.REFERRED
            locked.save(update_fields=["status"])
            audit.record(actor=actor, action="inspection.refer", object_type="inspection", object_id=str(locked.id),
                         border_post_code=post.code, after={"referral": str(referral.id)}, reason=note)
            return referral
        reason_codes = _check_reasons(reasons or []) if decision == "refuse" else []
        entry = locked.direction == Direction.ENTRY
        if decision == "admit" and permitted_until is not None and not entry:
            raise InvalidInput(_("a permitted stay only applies to an entry"), field="permitted_until")
        now = timezone.now()
        today = _post_day(post, now)
        if permitted_until is not None and permitted_until < today:
            raise InvalidInput(_("permitted_until is in the past"), field="permitted_until")
        override_flags: list[str] = []
        overridden: list[str] = []
        if decision == "admit":
            override_flags, overridden = _admission_rules(actor, locked, note, token)
            if entry and permitted_until is None:
                permitted_until = suggested_stay(locked)
        traveller = locked.traveller
        history = details_of(locked.checks, "history")
        flags = [flag["code"] for flag in (history.get("flags", []) if history else [])]
        crossing = Crossing.objects.create(
            inspection=locked, traveller=traveller, document=locked.document, border_post=post,
            lane_code=locked.lane.code if locked.lane else "", direction=locked.direction, decision=decision,
            reasons=reason_codes, note=note, officer=acting_user(actor), at=now, time_zone=post.time_zone,
            local_date=today, permitted_until=permitted_until if decision == "admit" else None,
            purpose=locked.purpose, travel_mode=locked.travel_mode, transport_id=locked.transport_id,
            nationality=traveller.nationality, sex=traveller.sex, birth_date=traveller.birth_date,
            document_code=locked.document.document_code, flags=flags + override_flags, overridden=overridden,
        )
        locked.status = Inspection.Status.DECIDED
        locked.save(update_fields=["status"])
        open_referral = Referral.objects.filter(inspection=locked).first()
        if open_referral is not None:
            open_referral.status = Referral.Status.DECIDED
            open_referral.decided_by = acting_user(actor)
            open_referral.decided_at = now
            open_referral.save(update_fields=["status", "decided_by", "decided_at"])
        after: dict[str, object] = {"inspection": str(locked.id), "direction": crossing.direction,
                                 "reasons": reason_codes, "permitted_until": crossing.permitted_until,
                                 "secondary": open_referral is not None}
        if override_flags:
            after.update(flags=override_flags, overridden=overridden, suggested_action=locked.suggested_action)
        audit.record(actor=actor, action=f"crossing.{decision}", object_type="crossing", object_id=str(crossing.id),
                     border_post_code=post.code, after=after, reason=note)
        signals.crossing_recorded.send(sender=Crossing, crossing=crossing)
    return crossing


def void_inspection(actor: Actor, inspection: Inspection, *, reason: str, token: ApiToken | None = None) -> Inspection:
    """Void a mistaken or abandoned inspection that has no decision yet (audited; a later decision is refused).

    The officer who started it may void it while it is open; a supervisor at the post may void any undecided one
    (a referral then leaves the secondary queue)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().select_related("border_post").get(pk=inspection.pk)
        post = locked.border_post
        authz.require(actor, "inspections.primary", post, token=token)
        if locked.status in (Inspection.Status.DECIDED, Inspection.Status.VOIDED):
            raise Conflict(_("this inspection is already %(status)s; only an undecided one can be voided")
                           % {"status": locked.status})
        if not (locked.status == Inspection.Status.OPEN and locked.officer_id == actor_id(actor)):
            authz.require(actor, "inspections.override", post, token=token)
        if not reason:
            raise InvalidInput(_("voiding an inspection needs a reason"), field="reason")
        before = locked.status
        locked.status = Inspection.Status.VOIDED
        locked.void_reason = reason
        locked.voided_by = acting_user(actor)
        locked.voided_at = timezone.now()
        locked.save(update_fields=["status", "void_reason", "voided_by", "voided_at"])
        bulk.update(Referral.objects.filter(inspection=locked, status=Referral.Status.WAITING),
                    status=Referral.Status.VOIDED, decided_by=actor, decided_at=locked.voided_at)
        audit.record(actor=actor, action="inspection.void", object_type="inspection", object_id=str(locked.id),
                     border_post_code=post.code, before={"status": before}, after={"status": locked.status},
                     reason=reason)
    return locked


def stale_open_inspections(actor: Actor, *, border_post: BorderPost | None = None, token: ApiToken | None = None
                           ) -> list[Inspection]:
    """Undecided inspections (open or referred) older than OPENBMIS_STALE_INSPECTION_MINUTES at the posts where
    ``actor`` supervises (may override), oldest first: for the supervisor to finish or void."""
    authz.require(actor, "inspections.override", border_post, token=token)
    cutoff = timezone.now() - timedelta(minutes=settings.OPENBMIS_STALE_INSPECTION_MINUTES)
    rows = (Inspection.objects.filter(status__in=[Inspection.Status.OPEN, Inspection.Status.REFERRED],
                                      created_at__lt=cutoff)
            .select_related("border_post", "officer", "traveller").order_by("created_at"))
    if border_post is not None:
        rows = rows.filter(border_post=border_post)
    return list(authz.limit_to_scope(rows, actor, "inspections.override", token)[:500])


def add_referral_note(
    actor: Actor, referral: Referral, *, text: str = "", image: bytes | None = None, image_type: str = "",
    token: ApiToken | None = None,
) -> ReferralNote:
    authz.require(actor, "inspections.secondary", referral.border_post, token=token)
    if referral.status != Referral.Status.WAITING:
        raise Conflict(_("this referral has been decided; notes are closed"))
    if not text.strip() and not image:
        raise InvalidInput(_("a note needs text or an image"), field="text")
    if image is not None:
        if len(image) > upload_limit("image"):
            raise InvalidInput(_("image larger than %(megabytes)s MB")
                               % {"megabytes": megabytes('image')}, field="image")
        kind = "image/jpeg" if image[:3] == b"\xff\xd8\xff" else "image/png" if image[:8] == b"\x89PNG\r\n\x1a\n" else ""
        if not kind:
            raise InvalidInput(_("the image must be a JPEG or PNG file"), field="image")
        image_type = kind
    with transaction.atomic():
        note = ReferralNote.objects.create(referral=referral, author=acting_user(actor), text=text.strip(), image=image,
                                           image_type=image_type if image else "")
        audit.record(actor=actor, action="referral.note", object_type="referral", object_id=str(referral.id),
                     border_post_code=referral.border_post.code,
                     after={"note": str(note.id), "image": bool(image), "chars": len(text.strip())})
    return note


# The default refusal grounds (Schengen Borders Code, Annex V, Part B); a data migration installs
# them and administrators edit them afterwards. Each language's catalogue words them as that language's version
# of the Regulation does, where there is one; a label an administrator changed is shown as written.
DEFAULT_REFUSAL_REASONS = [
    ("A", gettext_noop("Has no valid travel document(s)")),
    ("B", gettext_noop("Has a false, counterfeit or forged travel document")),
    ("C", gettext_noop("Has no valid visa or residence permit")),
    ("D", gettext_noop("Has a false, counterfeit or forged visa or residence permit")),
    ("E", gettext_noop("Has no appropriate documentation justifying the purpose and conditions of stay")),
    ("F", gettext_noop("Has already stayed the maximum permitted period")),
    ("G", gettext_noop("Does not have sufficient means of subsistence")),
    ("H", gettext_noop("Is a person for whom an alert has been issued for the purposes of refusing entry")),
    ("I", gettext_noop("Is considered to be a threat to public policy, internal security, public health or international relations")),
]



messages.register({
    "chip.verified": gettext_noop("Chip verified: signature, certificate chain and data-group hashes are valid."),
    "chip.failed": gettext_noop("Chip verification FAILED at step '%(step)s'."),
    "chip.unknown_csca": gettext_noop("The chip's signer is not in the trust store (unknown CSCA): authenticity not proven."),
    "chip.no_chip_data": gettext_noop("No chip data was read."),
})

#: the steps of passive authentication (epassport.passive.STEP_NAMES) as an officer reads them
_DEFAULT_GROUNDS = {label for _code, label in DEFAULT_REFUSAL_REASONS}


def ground_label(reason: RefusalReason) -> str:
    """A refusal ground's label in the reader's language: the standard wording of the default grounds, or the
    label as an administrator wrote it."""
    return _(reason.label) if reason.label in _DEFAULT_GROUNDS else reason.label


CHIP_STEPS = {
    "signed_attributes": gettext_noop("signed attributes of the document security object"),
    "signature": gettext_noop("signature of the document security object"),
    "certificate_chain": gettext_noop("certificate chain to the issuing country (CSCA)"),
    "validity": gettext_noop("validity of the certificates"),
    "revocation": gettext_noop("revocation of the certificates"),
    "data_group_hashes": gettext_noop("hashes of the data groups"),
    "data_group_content": gettext_noop("content of the data groups"),
    "mrz_match": gettext_noop("MRZ on the chip against the printed MRZ"),
}
# the failed step named in the reader's language, from the step's code kept in the check's details
messages.register_from_details(
    ["chip.failed"],
    lambda details: {"step": _(CHIP_STEPS[details["failed_step"]])}
    if details.get("failed_step") in CHIP_STEPS else {})

CHIP_STATUS = {
    # ChipVerification.status -> (check status, severity)
    "verified": ("pass", "info"),
    "failed": ("fail", "error"),
    "unknown_csca": ("warn", "warning"),
    "no_chip_data": ("not_checked", "info"),
}


def record_chip_check(actor: Actor, inspection: Inspection, verification: ChipVerification) -> Inspection:
    """Put a chip verification's outcome into the inspection's ``chip`` check (it arrives after the
    inspection started: the reader sends the chip files when it has read them)."""
    status, severity = CHIP_STATUS[verification.status]
    message = said(f"chip.{verification.status}", step=verification.failed_step or "") \
        if verification.status == "failed" else said(f"chip.{verification.status}")
    details: ChipDetails = {"verification": str(verification.id), "status": verification.status,
                            "failed_step": verification.failed_step or None, "photo": bool(verification.photo)}
    if (verification.result or {}).get("holder_names"):
        # the holder's names as DG11 writes them, often in national characters
        details["holder_names"] = verification.result["holder_names"]
    check = registry.Check("chip", status, severity, message, details)  # type: ignore[arg-type]
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.status in (Inspection.Status.DECIDED, Inspection.Status.VOIDED):
            raise Conflict(_("this inspection has been %(status)s; the chip result is kept but not attached")
                           % {"status": locked.status})
        before = next((c for c in locked.checks if c["code"] == "chip"), None)
        locked.checks = [check.to_dict() if c["code"] == "chip" else c for c in locked.checks]
        found = [registry.Check(c["code"], c["status"], c["severity"], c["message"], c.get("details", {}))
                 for c in locked.checks]
        locked.suggested_action = registry.suggested_action(found, locked.hits)
        locked.save(update_fields=["checks", "suggested_action"])
        audit.record(actor=actor, action="inspection.chip", object_type="inspection", object_id=str(locked.id),
                     border_post_code=inspection.border_post.code, before={"chip": before and before["status"]},
                     after={"chip": status, "verification": str(verification.id)})
    return locked
