"""An in-memory trust store for passive authentication: CSCAs, link certificates, DSCs, CRLs.

Sources (ICAO Doc 9303 Part 12): CSCA certificates as PEM or DER files; CSCA master lists, CMS SignedData
(eContentType ``id-icao-cscaMasterList`` 2.23.136.1.1.2) whose signer certificate must itself chain to a CSCA
already trusted; and the ICAO PKD's LDIF exports carrying DSCs (``userCertificate;binary``), CRLs
(``certificateRevocationList;binary``) and master lists (``pkdMasterListContent``).  Every import returns an
:class:`ImportReport` listing what was added and what was rejected, and why.  Storage and audit are the
application's business: the store is rebuilt from the stored files.

Self-signed CSCA certificates are trust anchors.  Link certificates (a new CSCA key certified by the old one)
are kept as intermediates and are trusted only through a verified path to an anchor.  A non-CA certificate
imported as trusted is a *pinned document signer*: accepted as an anchor for that one key, and reported as
such, because then no country signing CA was checked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from asn1crypto import core, crl, pem, x509

from .crypto import verify_signature
from .errors import EPassportError, ParseError, TrustStoreError, UnsupportedAlgorithm
from .sod import ASN1_ERRORS, parse_signed_data
from .tlv import Strictness

MASTER_LIST_OID = "2.23.136.1.1.2"


class CscaMasterList(core.Sequence):
    """ASN.1 CscaMasterList ::= SEQUENCE { version INTEGER (v0), certList SET OF Certificate }."""

    _fields = [("version", core.Integer), ("cert_list", core.SetOf, {"spec": x509.Certificate})]


@dataclass(frozen=True, slots=True)
class ImportedItem:
    """One certificate or CRL taken into the store."""

    kind: str  # "csca", "link", "pinned_dsc", "dsc", "crl" ("master_list" in ImportReport.master_lists)
    subject: str
    serial: str
    source: str
    note: str = ""
    # The item's DER, so that an application can store exactly what was taken in (not part of equality).
    der: bytes = field(default=b"", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class RejectedItem:
    """One input refused, with the reason."""

    source: str
    reason: str
    subject: str = ""


@dataclass(slots=True)
class ImportReport:
    """What an import added and what it rejected."""

    added: list[ImportedItem] = field(default_factory=list)
    rejected: list[RejectedItem] = field(default_factory=list)
    # Verified master lists whose certificates were offered (subject and serial of the list's signer).
    master_lists: list[ImportedItem] = field(default_factory=list)

    def extend(self, other: ImportReport) -> None:
        """Append another report's items."""
        self.added.extend(other.added)
        self.rejected.extend(other.rejected)
        self.master_lists.extend(other.master_lists)

    def as_dict(self) -> dict[str, list[dict[str, str]]]:
        """JSON-ready view."""
        return {
            "added": [
                {"kind": a.kind, "subject": a.subject, "serial": a.serial, "source": a.source, "note": a.note}
                for a in self.added
            ],
            "rejected": [
                {"source": r.source, "reason": r.reason, "subject": r.subject} for r in self.rejected
            ],
        }


def describe(cert: x509.Certificate) -> tuple[str, str]:
    """(subject, serial in hex) for reports."""
    return cert.subject.human_friendly, format(cert.serial_number, "x")


def is_self_signed(cert: x509.Certificate) -> bool:
    """True when the certificate names itself as issuer and its signature verifies with its own key."""
    if cert.subject != cert.issuer:
        return False
    return signed_by(cert, cert)


def signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """True when ``cert``'s signature verifies with ``issuer``'s public key."""
    try:
        return verify_signature(
            issuer.public_key,
            cert["signature_algorithm"],
            bytes(cert["signature_value"].native),
            cert["tbs_certificate"].dump(),
            where="certificate signature",
        )
    except (UnsupportedAlgorithm, *ASN1_ERRORS):
        return False


def crl_signed_by(revocation_list: crl.CertificateList, issuer: x509.Certificate) -> bool:
    """True when the CRL's signature verifies with ``issuer``'s public key."""
    try:
        return verify_signature(
            issuer.public_key,
            revocation_list["signature_algorithm"],
            bytes(revocation_list["signature"].native),
            revocation_list["tbs_cert_list"].dump(),
            where="CRL signature",
        )
    except (UnsupportedAlgorithm, *ASN1_ERRORS):
        return False


def _is_ca(cert: x509.Certificate) -> bool:
    constraints = cert.basic_constraints_value
    return bool(constraints is not None and constraints["ca"].native)


def _fingerprint(cert: x509.Certificate) -> bytes:
    return hashlib.sha256(cert.dump()).digest()


@lru_cache(maxsize=4096)
def _name_key_der(der: bytes) -> str:
    return x509.Name.load(der).hashable


def name_key(name: x509.Name) -> str:
    """A string equal for equal X.509 names (RFC 5280 comparison), cached by the name's DER encoding."""
    return _name_key_der(name.dump())


def load_certificate(data: bytes, source: str) -> x509.Certificate:
    """Load a certificate from PEM or DER bytes; raise :class:`TrustStoreError` naming the source."""
    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        cert = x509.Certificate.load(data, strict=True)
        cert.native  # noqa: B018 - force the lazy parse so that a broken certificate fails here
    except ASN1_ERRORS as exc:
        raise TrustStoreError(f"not a certificate ({exc})", where=source) from None
    return cert


def _valid_at(cert: x509.Certificate, at: datetime) -> bool:
    validity = cert["tbs_certificate"]["validity"]
    return bool(validity["not_before"].native <= at <= validity["not_after"].native)


class TrustStore:
    """CSCAs (anchors), link certificates, known DSCs and CRLs, indexed by subject name."""

    def __init__(self) -> None:
        self._anchors: dict[bytes, x509.Certificate] = {}
        self._links: dict[bytes, x509.Certificate] = {}
        self._dscs: dict[bytes, x509.Certificate] = {}
        self._pinned: dict[bytes, x509.Certificate] = {}
        self._crls: list[crl.CertificateList] = []
        self._paths: dict[tuple[bytes, int], list[x509.Certificate] | None] = {}
        self.version = 0  # bumped by every change; verified chains are cached per version

    def _changed(self) -> None:
        self.version += 1
        self._paths.clear()

    # ------------------------------------------------------------------ queries
    @property
    def anchors(self) -> tuple[x509.Certificate, ...]:
        """Self-signed CSCA certificates."""
        return tuple(self._anchors.values())

    @property
    def links(self) -> tuple[x509.Certificate, ...]:
        """Link (and other non-self-signed CA) certificates."""
        return tuple(self._links.values())

    @property
    def crls(self) -> tuple[crl.CertificateList, ...]:
        """CRLs, unverified until used."""
        return tuple(self._crls)

    @property
    def dscs(self) -> tuple[x509.Certificate, ...]:
        """Document signer certificates imported for SODs that do not carry theirs."""
        return tuple(self._dscs.values())

    @property
    def pinned(self) -> tuple[x509.Certificate, ...]:
        """Non-CA certificates trusted as their own anchors (pinned document signers)."""
        return tuple(self._pinned.values())

    def is_pinned(self, cert: x509.Certificate) -> bool:
        """True when ``cert`` was imported as a pinned document signer."""
        return _fingerprint(cert) in self._pinned

    def find_dsc(
        self, issuer: x509.Name, serial: int | None, key_id: bytes | None
    ) -> x509.Certificate | None:
        """A known DSC (from LDIF or pinned) by issuer and serial, or by subject key identifier."""
        for cert in (*self._dscs.values(), *self._pinned.values()):
            if serial is not None and cert.issuer == issuer and cert.serial_number == serial:
                return cert
            if key_id is not None and cert.key_identifier == key_id:
                return cert
        return None

    def issuers_of(
        self, cert: x509.Certificate, *, match_key_id: bool = True
    ) -> list[tuple[x509.Certificate, bool]]:
        """Candidate issuers named by ``cert``'s issuer (and, by default, its AKI when present): (cert, anchor)."""
        aki = cert.authority_key_identifier
        issuer = name_key(cert.issuer)
        out: list[tuple[x509.Certificate, bool]] = []
        for pool, anchor in ((self._anchors, True), (self._links, False)):
            for candidate in pool.values():
                if name_key(candidate.subject) != issuer:
                    continue
                if (
                    match_key_id
                    and aki is not None
                    and candidate.key_identifier is not None
                    and candidate.key_identifier != aki
                ):
                    continue
                out.append((candidate, anchor))
        return out

    def build_path(self, cert: x509.Certificate, *, max_depth: int = 4) -> list[x509.Certificate] | None:
        """A verified path [issuer, ..., anchor] above ``cert``, or None when none reaches an anchor.

        The answer is cached per certificate until the store changes: a DSC signs many documents, and its
        signature check by the CSCA is the costliest step after the SOD's own.
        """
        key = (_fingerprint(cert), max_depth)
        if key not in self._paths:
            self._paths[key] = self._build_path(cert, max_depth)
        found = self._paths[key]
        return None if found is None else list(found)

    def _build_path(self, cert: x509.Certificate, max_depth: int) -> list[x509.Certificate] | None:
        if max_depth == 0:
            return None
        for candidate, anchor in self.issuers_of(cert):
            if candidate.dump() == cert.dump() or not signed_by(cert, candidate):
                continue
            if anchor:
                return [candidate]
            rest = self.build_path(candidate, max_depth=max_depth - 1)
            if rest is not None:
                return [candidate, *rest]
        return None

    def crls_for(self, issuer: x509.Name) -> list[crl.CertificateList]:
        """CRLs issued by ``issuer``."""
        wanted = name_key(issuer)
        return [c for c in self._crls if name_key(c.issuer) == wanted]

    def __len__(self) -> int:
        return len(self._anchors) + len(self._links) + len(self._dscs) + len(self._pinned) + len(self._crls)

    # ------------------------------------------------------------------ imports
    def add_certificate(self, data: bytes | x509.Certificate, source: str = "certificate") -> ImportReport:
        """Add a trusted certificate: a CSCA (anchor), a link certificate, or a pinned document signer."""
        report = ImportReport()
        try:
            cert = data if isinstance(data, x509.Certificate) else load_certificate(data, source)
        except TrustStoreError as exc:
            report.rejected.append(RejectedItem(source, exc.message))
            return report
        subject, serial = describe(cert)
        key = _fingerprint(cert)
        if key in self._anchors or key in self._links or key in self._pinned:
            report.rejected.append(RejectedItem(source, "already in the trust store", subject))
        elif _is_ca(cert) and is_self_signed(cert):
            self._anchors[key] = cert
            self._changed()
            report.added.append(ImportedItem("csca", subject, serial, source, der=cert.dump()))
        elif _is_ca(cert):
            if self.build_path(cert) is None:
                self._links[key] = cert
                self._changed()
                note = "link certificate; no verified path to a CSCA yet, trusted only once one is imported"
            else:
                self._links[key] = cert
                self._changed()
                note = "link certificate verified against a trusted CSCA"
            report.added.append(ImportedItem("link", subject, serial, source, note, der=cert.dump()))
        else:
            self._pinned[key] = cert
            self._changed()
            report.added.append(
                ImportedItem(
                    "pinned_dsc",
                    subject,
                    serial,
                    source,
                    "not a CA certificate: trusted as a pinned document signer",
                    der=cert.dump(),
                )
            )
        return report

    def add_crl(self, data: bytes, source: str = "crl") -> ImportReport:
        """Add a CRL; its signature is checked now when its CSCA is known, and always when it is used."""
        report = ImportReport()
        try:
            if pem.detect(data):
                _, _, data = pem.unarmor(data)
            revocation_list = crl.CertificateList.load(data, strict=True)
            revocation_list.native  # noqa: B018 - force the lazy parse
        except ASN1_ERRORS as exc:
            report.rejected.append(RejectedItem(source, f"not a CRL ({exc})"))
            return report
        issuer = revocation_list.issuer.human_friendly
        issuers = [c for c, _ in self._issuers_by_name(revocation_list.issuer)]
        if issuers and not any(crl_signed_by(revocation_list, c) for c in issuers):
            report.rejected.append(
                RejectedItem(source, "CRL signature does not verify with its CSCA", issuer)
            )
            return report
        self._crls.append(revocation_list)
        self._changed()
        note = "signature verified" if issuers else "issuer CSCA not in store; signature checked when used"
        report.added.append(ImportedItem("crl", issuer, "", source, note, der=revocation_list.dump()))
        return report

    def _issuers_by_name(self, name: x509.Name) -> list[tuple[x509.Certificate, bool]]:
        key = name_key(name)
        return [(c, True) for c in self._anchors.values() if name_key(c.subject) == key] + [
            (c, False) for c in self._links.values() if name_key(c.subject) == key
        ]

    def add_dsc(self, data: bytes | x509.Certificate, source: str = "dsc") -> ImportReport:
        """Add a document signer certificate (for SODs that do not carry theirs); its chain is checked on use."""
        report = ImportReport()
        try:
            cert = data if isinstance(data, x509.Certificate) else load_certificate(data, source)
        except TrustStoreError as exc:
            report.rejected.append(RejectedItem(source, exc.message))
            return report
        subject, serial = describe(cert)
        issuers = self.issuers_of(cert)
        if issuers and self.build_path(cert) is None:
            report.rejected.append(
                RejectedItem(source, "DSC signature does not verify with its CSCA", subject)
            )
            return report
        self._dscs[_fingerprint(cert)] = cert
        self._changed()
        note = "chain verified" if issuers else "issuer CSCA not in store; chain checked when used"
        report.added.append(ImportedItem("dsc", subject, serial, source, note, der=cert.dump()))
        return report

    def add_master_list(
        self, data: bytes, source: str = "master list", *, at: datetime | None = None
    ) -> ImportReport:
        """Verify a CSCA master list and add its certificates.

        The list's signature must verify with the signer certificate it carries, and that signer must chain
        to a CSCA already in the store (ICAO Doc 9303 Part 12, 7.1).  ``at`` additionally checks the signer's
        validity period.  A list that fails is rejected as a whole.
        """
        report = ImportReport()
        try:
            certs, signer = self._verified_master_list(data, source, at)
        except EPassportError as exc:
            report.rejected.append(RejectedItem(source, str(exc)))
            return report
        subject, serial = describe(signer)
        report.master_lists.append(
            ImportedItem(
                "master_list",
                subject,
                serial,
                source,
                f"{len(certs)} certificate(s), signer verified",
                der=data,
            )
        )
        for index, cert in enumerate(certs):
            report.extend(self.add_certificate(cert, f"{source} [{index}]"))
        return report

    def _verified_master_list(
        self, data: bytes, source: str, at: datetime | None
    ) -> tuple[list[x509.Certificate], x509.Certificate]:
        from .passive import check_signer_info  # the CMS signer check is shared with EF.SOD

        if data[:1] == b"\x77":  # tolerate an LDS-style wrapper, seen on some exports
            raise ParseError("unexpected EF.SOD wrapper on a master list", where=source)
        signed, econtent = parse_signed_data(
            data, where=source, econtent_type=MASTER_LIST_OID, mode=Strictness(True)
        )
        try:
            master = CscaMasterList.load(econtent, strict=True)
            master.native  # noqa: B018
            certs = list(master["cert_list"])
        except ASN1_ERRORS as exc:
            raise ParseError(f"malformed CscaMasterList ({exc})", where=source) from None
        signer_info = signed["signer_infos"][0]
        embedded = [c.chosen for c in signed["certificates"]] if len(signed["certificates"] or []) else []
        signer = None
        sid = signer_info["sid"]
        for cert in embedded:
            if sid.name == "issuer_and_serial_number":
                if (
                    cert.issuer == sid.chosen["issuer"]
                    and cert.serial_number == sid.chosen["serial_number"].native
                ):
                    signer = cert
            elif cert.key_identifier == sid.chosen.native:
                signer = cert
        if signer is None:
            raise TrustStoreError("master list signer certificate not included", where=source)
        problems = check_signer_info(signer_info, econtent, MASTER_LIST_OID, signer)
        if problems:
            raise TrustStoreError(f"master list signature invalid: {problems[0]}", where=source)
        if self.build_path(signer) is None:
            raise TrustStoreError(
                "master list signer does not chain to a trusted CSCA",
                where=source,
                found=signer.subject.human_friendly,
            )
        if at is not None and not _valid_at(signer, at):
            raise TrustStoreError("master list signer certificate not valid at the given time", where=source)
        return certs, signer

    def add_ldif(self, text: str | bytes, source: str = "LDIF") -> ImportReport:
        """Import a PKD LDIF file: DSCs, CRLs and master lists (each master list verified as above)."""
        report = ImportReport()
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        for number, entry in enumerate(parse_ldif(text)):
            dn = entry.get("dn", [b""])[0].decode("utf-8", errors="replace")
            where = f"{source} entry {number + 1} ({dn})" if dn else f"{source} entry {number + 1}"
            for name, values in entry.items():
                base = name.split(";")[0].lower()
                for value in values:
                    if base == "usercertificate" or base == "cacertificate":
                        report.extend(
                            self.add_dsc(value, where)
                            if base == "usercertificate"
                            else self.add_certificate(value, where)
                        )
                    elif base == "certificaterevocationlist":
                        report.extend(self.add_crl(value, where))
                    elif base == "pkdmasterlistcontent":
                        report.extend(self.add_master_list(value, where))
        return report

    def add_path(self, path: str | Path) -> ImportReport:
        """Import a file or every file in a directory, choosing the importer by content and extension."""
        path = Path(path)
        report = ImportReport()
        files: Iterable[Path] = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            report.extend(self.add_file(file.name, file.read_bytes()))
        return report

    def add_file(self, name: str, data: bytes) -> ImportReport:
        """Import one file's bytes; ``name`` (its file name) guides the choice of importer."""
        lower = name.lower()
        if lower.endswith(".ldif") or data.lstrip()[:3] in (b"dn:", b"ver"):
            return self.add_ldif(data, name)
        if lower.endswith(".crl"):
            return self.add_crl(data, name)
        if lower.endswith(".ml"):
            return self.add_master_list(data, name)
        if pem.detect(data):
            report = ImportReport()
            for type_name, _, der in pem.unarmor(data, multiple=True):
                if "CRL" in type_name:
                    report.extend(self.add_crl(der, name))
                else:
                    report.extend(self.add_certificate(der, name))
            return report
        try:
            x509.Certificate.load(data, strict=True).native  # noqa: B018
        except ASN1_ERRORS:
            try:
                crl.CertificateList.load(data, strict=True).native  # noqa: B018
            except ASN1_ERRORS:
                if lower.endswith((".cer", ".crt", ".der")):
                    return self.add_certificate(data, name)  # named as a certificate: say it is not one
                return self.add_master_list(data, name)
            return self.add_crl(data, name)
        return self.add_certificate(data, name)


def parse_ldif(text: str) -> list[dict[str, list[bytes]]]:
    """Parse LDIF (RFC 2849) into entries: attribute name -> list of values (``::`` values base64-decoded)."""
    entries: list[dict[str, list[bytes]]] = []
    current: dict[str, list[bytes]] = {}
    lines: list[str] = []
    for raw in text.splitlines():
        if raw.startswith(" ") and lines:
            lines[-1] += raw[1:]  # folded continuation line
        else:
            lines.append(raw)
    for line in lines:
        if not line.strip():
            if current:
                entries.append(current)
                current = {}
            continue
        if line.startswith("#") or ":" not in line:
            continue
        name, _, rest = line.partition(":")
        if rest.startswith(":"):
            try:
                value = base64.b64decode(rest[1:].strip(), validate=False)
            except (binascii.Error, ValueError):
                continue
        else:
            value = rest.strip().encode("utf-8")
        current.setdefault(name.strip(), []).append(value)
    if current:
        entries.append(current)
    return entries
