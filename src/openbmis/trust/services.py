"""Write path for the trust store and chip verifications. Every write is audited in its own transaction.

The trust store used for verification is rebuilt from the *active* entries and cached per process; every
change stamps :class:`~openbmis.trust.models.TrustState` with a new random value in the same transaction, so
each process sees on its next verification that its copy is stale (also across processes and rollbacks).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypedDict

from asn1crypto import crl, x509
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from openbmis import epassport
from openbmis.accounts.actors import Actor, user_of
from openbmis.accounts.models import User
from openbmis.audit import services as audit
from openbmis.core.errors import Conflict, InvalidInput, NotFound
from openbmis.core.pii import short_hash
from openbmis.core.validation import clean_file_name
from openbmis.epassport.sod import ASN1_ERRORS, certificates_of, parse_signed_data
from openbmis.epassport.tlv import Strictness
from openbmis.epassport.trust import MASTER_LIST_OID
from openbmis.inspections.check_details import HolderNames
from openbmis.trust.models import ChipVerification, TrustEntry, TrustImport, TrustState

log = logging.getLogger(__name__)

# Order in which active entries are loaded: anchors before what chains to them.
_LOAD_ORDER = ("csca", "link", "pinned_dsc", "dsc", "crl")
_MAX_AUDITED_ITEMS = 1000


# ----------------------------------------------------------------------------------------------- trust state
def _bump_state() -> int:
    """Mark every process's cached store stale; call inside the transaction of the change."""
    state, _ = TrustState.objects.select_for_update().get_or_create(id=1)
    TrustState.objects.filter(id=1).update(version=F("version") + 1, stamp=uuid.uuid4())
    state.refresh_from_db()
    return int(state.version)


def _state() -> tuple[int, uuid.UUID | None]:
    row = TrustState.objects.filter(id=1).values_list("version", "stamp").first()
    return (int(row[0]), row[1]) if row else (0, None)


def build_store() -> epassport.TrustStore:
    """A fresh :class:`~openbmis.epassport.TrustStore` holding the active entries."""
    store = epassport.TrustStore()
    rows = TrustEntry.objects.filter(status=TrustEntry.Status.ACTIVE, kind__in=_LOAD_ORDER).only("kind", "der")
    by_kind: dict[str, list[bytes]] = {kind: [] for kind in _LOAD_ORDER}
    for row in rows:
        by_kind[row.kind].append(bytes(row.der))
    for kind in _LOAD_ORDER:
        for der in by_kind[kind]:
            if kind == "dsc":
                store.add_dsc(der, "stored DSC")
            elif kind == "crl":
                store.add_crl(der, "stored CRL")
            else:
                store.add_certificate(der, f"stored {kind}")
    return store


_cache_lock = threading.Lock()


@dataclass
class _CachedStore:
    """The process's copy of the trust store, and the stored state (stamp, version) it was built from."""

    stamp: object
    store: epassport.TrustStore | None = None
    version: int = 0


_cache = _CachedStore(stamp=object())  # a stamp no stored state has: the first call builds the store


def current_store() -> tuple[epassport.TrustStore, int]:
    """The process's cached trust store and the version it reflects, rebuilt when the stored one changed."""
    version, stamp = _state()
    with _cache_lock:
        if _cache.store is None or _cache.stamp != stamp:
            _cache.store, _cache.stamp, _cache.version = build_store(), stamp, version
        return _cache.store, _cache.version


# ----------------------------------------------------------------------------------------------- metadata
@dataclass(frozen=True)
class _Meta:
    subject: str
    issuer: str
    serial: str
    country: str
    not_before: datetime | None
    not_after: datetime | None


def _country(name: x509.Name) -> str:
    value = name.native.get("country_name", "") if isinstance(name.native, dict) else ""
    return str(value)[:3].upper()


def _cert_meta(cert: x509.Certificate) -> _Meta:
    validity = cert["tbs_certificate"]["validity"]
    return _Meta(
        subject=cert.subject.human_friendly[:500],
        issuer=cert.issuer.human_friendly[:500],
        serial=format(cert.serial_number, "x")[:80],
        country=_country(cert.subject),
        not_before=validity["not_before"].native,
        not_after=validity["not_after"].native,
    )


def _meta(kind: str, der: bytes) -> _Meta:
    if kind == "crl":
        revocation_list = crl.CertificateList.load(der)
        tbs = revocation_list["tbs_cert_list"]
        return _Meta(
            subject=revocation_list.issuer.human_friendly[:500],
            issuer=revocation_list.issuer.human_friendly[:500],
            serial="",
            country=_country(revocation_list.issuer),
            not_before=tbs["this_update"].native,
            not_after=tbs["next_update"].native,
        )
    if kind == "master_list":
        signed, _ = parse_signed_data(der, where="master list", econtent_type=MASTER_LIST_OID, mode=Strictness(False))
        sid = signed["signer_infos"][0]["sid"]
        for cert in certificates_of(signed):
            if sid.name == "issuer_and_serial_number" and cert.serial_number == sid.chosen["serial_number"].native:
                return _cert_meta(cert)
            if sid.name != "issuer_and_serial_number" and cert.key_identifier == sid.chosen.native:
                return _cert_meta(cert)
        return _Meta("", "", "", "", None, None)
    return _cert_meta(x509.Certificate.load(der))


# ----------------------------------------------------------------------------------------------- queries
def get_entry(entry_id: uuid.UUID | str) -> TrustEntry:
    try:
        return TrustEntry.objects.get(id=entry_id)
    except (TrustEntry.DoesNotExist, ValueError):
        raise NotFound(gettext("no trust store entry %(entry_id)s")
                       % {"entry_id": entry_id}, field="entry_id") from None


def get_import(import_id: uuid.UUID | str) -> TrustImport:
    try:
        return TrustImport.objects.get(id=import_id)
    except (TrustImport.DoesNotExist, ValueError):
        raise NotFound(gettext("no trust import %(import_id)s")
                       % {"import_id": import_id}, field="import_id") from None


# ----------------------------------------------------------------------------------------------- writes
def _actor_fields(actor: Actor) -> tuple[User | None, str]:
    user = user_of(actor)
    label = user.get_username() if user is not None else (actor if isinstance(actor, str) else audit.SYSTEM)
    return user, label[:150]


PIN_RISK = ("a document signer certificate that is not a CA, trusted on its own: the chip is then checked against "
            "this one certificate and not against its country's CSCA, so a forged or stolen signer would not be "
            "detected by the chain")


class AddedEntry(TypedDict):
    """A certificate, CRL or master list an import added (in the import's report)."""

    kind: str
    subject: str
    serial: str
    country: str
    source: str
    note: str
    fingerprint: str
    entry_id: str


class RejectedItem(TypedDict):
    """What an import did not add, and why (in the import's report)."""

    source: str
    reason: str
    subject: str


def import_file(actor: Actor, *, file_name: str, data: bytes, channel: str = "web", pin_signers: bool = False) -> TrustImport:
    """Import one file (PEM/DER certificates, CRL, master list, PKD LDIF) into the stored trust store.

    Everything the library accepts becomes an active :class:`TrustEntry` (an entry that is already active is
    reported as rejected; one that was expired or removed is reactivated). A document signer that is not a CA
    is trusted on its own (pinned) only with ``pin_signers``, the explicit confirmation of :data:`PIN_RISK`;
    without it the certificate is rejected, naming the risk.  The :class:`TrustImport` row keeps
    the full report, added and rejected with reasons; one audit event records it.
    """
    file_name = clean_file_name(file_name)
    if not data:
        raise InvalidInput(gettext("the file is empty"), field="file")
    user, label = _actor_fields(actor)
    with transaction.atomic():
        # Serialise imports: each builds on the store as the previous one left it.
        TrustState.objects.select_for_update().get_or_create(id=1)
        store = build_store()
        report = store.add_file(file_name, data)
        record = TrustImport(
            actor=user, actor_label=label, channel=channel, file_name=file_name,
            file_sha256=hashlib.sha256(data).hexdigest(), file_size=len(data),
        )
        record.save()
        added: list[AddedEntry] = []
        rejected: list[RejectedItem] = [{"source": r.source, "reason": r.reason, "subject": r.subject} for r in report.rejected]
        now = timezone.now()
        for item in [*report.master_lists, *report.added]:
            if item.kind == "pinned_dsc" and not pin_signers:
                rejected.append({"source": item.source, "subject": item.subject,
                                 "reason": f"not pinned without confirmation: {PIN_RISK}"})
                continue
            fingerprint = hashlib.sha256(item.der).hexdigest()
            existing = TrustEntry.objects.filter(fingerprint=fingerprint).first()
            if existing is not None and existing.status == TrustEntry.Status.ACTIVE:
                rejected.append({"source": item.source, "reason": "already in the trust store", "subject": item.subject})
                continue
            note = item.note
            if existing is not None:
                note = f"re-imported (was {existing.status}); {note}".rstrip("; ")
                existing.status = TrustEntry.Status.ACTIVE
                existing.status_changed_at = now
                existing.status_reason = f"re-imported from {file_name}"
                existing.imported_by = record
                existing.note = note[:300]
                existing.save()
                entry = existing
            else:
                try:
                    meta = _meta(item.kind, item.der)
                except (*ASN1_ERRORS, epassport.EPassportError) as exc:  # accepted by the library: should not happen
                    rejected.append({"source": item.source, "reason": f"unreadable after import ({exc})",
                                     "subject": item.subject})
                    continue
                entry = TrustEntry.objects.create(
                    kind=item.kind, subject=meta.subject or item.subject[:500], issuer=meta.issuer,
                    serial=meta.serial or item.serial[:80], country=meta.country, not_before=meta.not_before,
                    not_after=meta.not_after, fingerprint=fingerprint, der=item.der, note=note[:300],
                    source=item.source[:300], imported_by=record,
                )
            added.append({"kind": item.kind, "subject": entry.subject, "serial": entry.serial,
                          "country": entry.country, "source": item.source, "note": note,
                          "fingerprint": fingerprint, "entry_id": str(entry.id)})
        record.added_count = len(added)
        record.rejected_count = len(rejected)
        record.report = {"added": added, "rejected": rejected}
        record.save(update_fields=["added_count", "rejected_count", "report"])
        version = _bump_state() if added else _state()[0]
        audit.record(
            actor=actor, action="trust.import", object_type="trust_import", object_id=str(record.id),
            object_label=file_name[:200],
            after={
                "file_name": file_name, "file_sha256": record.file_sha256, "file_size": record.file_size,
                "channel": channel, "trust_version": version, "pin_signers": pin_signers,
                "added": [[a["kind"], a["fingerprint"], a["subject"]] for a in added[:_MAX_AUDITED_ITEMS]],
                "added_count": len(added),
                "rejected": [[r["source"], r["reason"]] for r in rejected[:_MAX_AUDITED_ITEMS]],
                "rejected_count": len(rejected),
            },
        )
    return record


def _change_status(actor: Actor, entry: TrustEntry, status: str, reason: str, action: str) -> TrustEntry:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(gettext("a reason is required"), field="reason")
    if entry.status == status:
        raise Conflict(gettext("the entry is already %(status)s") % {"status": status}, field="status")
    if entry.status == TrustEntry.Status.REMOVED:
        raise Conflict(gettext("a removed entry comes back only by importing it again"), field="status")
    fields = ["status", "status_reason", "status_changed_at"]
    with transaction.atomic():
        entry = TrustEntry.objects.select_for_update().get(id=entry.id)
        before = audit.snapshot(entry, fields)
        entry.status = status
        entry.status_reason = reason
        entry.status_changed_at = timezone.now()
        entry.save(update_fields=fields)
        version = _bump_state()
        after = {**audit.snapshot(entry, fields), "trust_version": version}
        audit.record(actor=actor, action=action, object_type="trust_entry", object_id=str(entry.id),
                     object_label=f"{entry.kind} {entry.subject}"[:200], before=before, after=after, reason=reason)
    return entry


def expire_entry(actor: Actor, entry: TrustEntry, *, reason: str) -> TrustEntry:
    """Stop trusting an entry because it has been superseded or run out (kept, shown as expired)."""
    return _change_status(actor, entry, TrustEntry.Status.EXPIRED, reason, "trust.expire")


def remove_entry(actor: Actor, entry: TrustEntry, *, reason: str) -> TrustEntry:
    """Withdraw trust from an entry (wrong or compromised); the row stays for the record."""
    return _change_status(actor, entry, TrustEntry.Status.REMOVED, reason, "trust.remove")


# ----------------------------------------------------------------------------------------------- chip
# Chain outcomes that mean "we do not know this issuer" rather than "this document is forged".
_UNKNOWN_CSCA_CODES = frozenset({"unknown_csca", "unknown_csca_key", "no_trust_store"})


def chip_status(result: epassport.VerificationResult) -> tuple[str, str]:
    """(status, failed step) for a verification result.

    A failed step other than an unknown CSCA makes the read ``failed`` (tampering outranks an unknown issuer);
    a chain that stopped at an issuer not in the store is ``unknown_csca``; a document that is not valid for
    another reason names the first required step that did not pass.
    """
    if result.valid:
        return ChipVerification.Status.VERIFIED, ""
    chain = result.step("certificate_chain")
    unknown = chain.code in _UNKNOWN_CSCA_CODES and chain.status in ("failed", "not_checked")
    for step in result.steps:
        if step.status == "failed" and not (unknown and step.name == "certificate_chain"):
            return ChipVerification.Status.FAILED, step.name
    if unknown:
        return ChipVerification.Status.UNKNOWN_CSCA, "certificate_chain"
    for step in result.steps:
        if step.status != "passed" and step.name in ("signed_attributes", "signature", "certificate_chain",
                                                     "validity", "data_group_hashes"):
            return ChipVerification.Status.FAILED, step.name
    return ChipVerification.Status.FAILED, ""


def verify_chip(
    actor: Actor,
    *,
    sod: bytes | None,
    data_groups: dict[int, bytes],
    mrz: str | None = None,
    inspection_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> tuple[ChipVerification, dict[str, object]]:
    """Verify chip files against the stored trust store, store and audit the result.

    No EF.SOD and no data group means the reader found no chip data (``no_chip_data``).  ``at`` pins the
    validation instant (for specimens and archived reads): it is refused together with ``inspection_id``,
    because a live inspection is always checked as of now.  Raises :class:`InvalidInput` naming ``sod`` or
    ``data_groups.N`` when a file cannot be parsed.  Returns the record and the JSON report.
    """
    if at is not None and inspection_id is not None:
        raise InvalidInput(
            gettext("'at' (a pinned validation time) cannot be used for a verification attached to an inspection"),
            field="at",
        )
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    when = at or timezone.now()
    user, _label = _actor_fields(actor)
    if not sod:
        if data_groups:
            raise InvalidInput(gettext("data groups without EF.SOD cannot be verified: send 'sod'"), field="sod")
        data: dict[str, object] = {
            "valid": False, "steps": [], "data_groups": {}, "signer": None,
            "errors": [{"code": "no_chip_data", "where": "chip", "message": "no chip data was read"}],
        }
        record = ChipVerification(
            actor=user, inspection_id=inspection_id, status=ChipVerification.Status.NO_CHIP_DATA,
            validated_at=when, time_pinned=at is not None, result=data, data_groups=[],
        )
        return _save_verification(actor, record), data
    store, version = current_store()
    try:
        result = epassport.verify(sod, data_groups, trust_store=store, at=when, mrz=mrz)
    except epassport.EPassportError as exc:
        log.info("chip rejected sod=%s reason=%s", short_hash(sod.hex()), exc.code)
        problem = exc.as_dict()
        raise InvalidInput(gettext("EF.SOD: %(error)s")
                           % {"error": exc}, field="sod", code=problem["code"], where=problem["where"],
                           expected=problem["expected"], found=problem["found"]) from None
    for number, check in sorted(result.data_group_checks.items()):
        if check.parse_error is not None:
            raise InvalidInput(gettext("DG%(number)s: %(parse_error)s")
                               % {"number": number, "parse_error": check.parse_error}, field=f"data_groups.{number}")
    status, failed_step = chip_status(result)
    data = result.to_dict()
    data["trust_anchor"] = result.trust_anchor
    data["chain"] = result.chain
    photo, mime = None, ""
    dg2 = result.data_groups.get(2)
    if isinstance(dg2, epassport.DG2) and dg2.images:
        photo, mime = dg2.images[0].data, dg2.images[0].mime_type
    holder = holder_names(result.data_groups.get(11))
    if holder:
        data["holder_names"] = holder
    record = ChipVerification(
        actor=user, inspection_id=inspection_id, status=status, failed_step=failed_step, valid=result.valid,
        validated_at=when, time_pinned=at is not None, trust_version=version,
        sod_sha256=hashlib.sha256(sod).hexdigest(), data_groups=sorted(data_groups), result=data,
        photo=photo, photo_mime_type=mime,
    )
    return _save_verification(actor, record), data


def _readable_name(icao: str) -> str:
    """An ICAO name field (``PRIMARY<<SECONDARY``, ``<`` between words) as people write it: ``PRIMARY, SECONDARY``."""
    primary, _, secondary = icao.partition("<<")
    words = [" ".join(part.replace("<", " ").split()) for part in (primary, secondary)]
    return ", ".join(w for w in words if w)


def holder_names(dg11: object) -> HolderNames:
    """The names DG11 gives (Doc 9303 Part 10: the full name in national characters and other names), or {}."""
    if not isinstance(dg11, epassport.OptionalDetails):
        return {}
    full = dg11.fields.get("full_name")
    names: HolderNames = {}
    if isinstance(full, str) and full.strip("< "):
        names["full_name"] = _readable_name(full)
    others = [_readable_name(n) for n in dg11.names if n.strip("< ")]
    if others:
        names["other_names"] = others
    return names


def _save_verification(actor: Actor, record: ChipVerification) -> ChipVerification:
    with transaction.atomic():
        record.save(force_insert=True)
        audit.record(
            actor=actor, action="documents.chip_verify", object_type="chip_verification",
            object_id=str(record.id), object_label=record.status,
            after={
                "status": record.status, "failed_step": record.failed_step, "valid": record.valid,
                "inspection_id": str(record.inspection_id) if record.inspection_id else None,
                "validated_at": record.validated_at.astimezone(UTC).isoformat(),
                "time_pinned": record.time_pinned, "trust_version": record.trust_version,
                "sod_sha256": record.sod_sha256, "data_groups": record.data_groups,
            },
        )
    return record


def photo_base64(record: ChipVerification) -> str | None:
    """The DG2 face image as base64, or None."""
    return base64.b64encode(bytes(record.photo)).decode("ascii") if record.photo else None
