"""Passive authentication (ICAO Doc 9303 Part 11, section 5.1), step by step.

Steps, each ``passed``, ``failed`` or ``not_checked`` with the reason:

1. ``signed_attributes``: the SignerInfo's content-type attribute names the LDS Security Object and its
   message-digest attribute equals the hash of the encapsulated content.
2. ``signature``: the signature over the signed attributes verifies with the document signer's key.
3. ``certificate_chain``: the DSC chains to a trusted CSCA (through link certificates when needed).
4. ``validity``: every certificate on the path is valid at the chosen instant (default: now).
5. ``revocation``: no verified CRL from the issuing CSCA lists the DSC.
6. ``data_group_hashes``: each supplied data group hashes to the value in the SOD.
7. ``data_group_content``: each supplied data group parses (strict unless asked otherwise).
8. ``mrz_match``: DG1 equals the MRZ read from the data page, when one is given.

The document is ``valid`` when no step failed and steps 1 to 4 and 6 passed; revocation and the MRZ
comparison may stay ``not_checked`` (no CRL at hand, no page read), and the report says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

from asn1crypto import cms, core, x509

from .crypto import curve_name, digest, hash_name, verify_signature
from .errors import EPassportError, ParseError, UnsupportedAlgorithm
from .lds import DG1, parse_data_group
from .sod import ASN1_ERRORS, LDS_SECURITY_OBJECT_OID, SOD, parse_sod
from .trust import TrustStore, crl_signed_by

StepStatus = Literal["passed", "failed", "not_checked"]
DataGroupStatus = Literal["match", "mismatch", "not_in_sod", "not_provided"]

STEP_NAMES = (
    "signed_attributes",
    "signature",
    "certificate_chain",
    "validity",
    "revocation",
    "data_group_hashes",
    "data_group_content",
    "mrz_match",
)
_REQUIRED = ("signed_attributes", "signature", "certificate_chain", "validity", "data_group_hashes")


@dataclass(frozen=True, slots=True)
class Step:
    """One verification step: its name, status, human detail and a machine ``code`` for failures."""

    name: str
    status: StepStatus
    detail: str
    code: str = ""


@dataclass(frozen=True, slots=True)
class DataGroupCheck:
    """Hash comparison for one data group."""

    number: int
    status: DataGroupStatus
    hash_algorithm: str
    expected: str | None = None
    computed: str | None = None
    parse_error: str | None = None


@dataclass(slots=True)
class VerificationResult:
    """The passive-authentication report.

    ``trust_anchor`` is ``"csca"`` when the DSC chains to a CSCA, ``"pinned_dsc"`` when the DSC itself was
    trusted (no CSCA checked), or None.  ``data_groups`` holds the parsed data groups (DG1, DG2...).
    """

    valid: bool
    steps: list[Step]
    data_group_checks: dict[int, DataGroupCheck]
    signer: dict[str, str] | None
    errors: list[dict[str, object]]
    trust_anchor: str | None
    chain: list[str] = field(default_factory=list)
    data_groups: dict[int, object] = field(default_factory=dict)
    sod: SOD | None = None

    def step(self, name: str) -> Step:
        """The step called ``name``."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    @property
    def failed_steps(self) -> list[str]:
        """Names of the failed steps, in order."""
        return [s.name for s in self.steps if s.status == "failed"]

    def to_dict(self) -> dict[str, object]:
        """The JSON report of issue 5: valid, steps, data_groups, signer, errors."""
        return {
            "valid": self.valid,
            "steps": [{"name": s.name, "status": s.status, "detail": s.detail} for s in self.steps],
            "data_groups": {
                str(n): {"status": c.status, "hash_algorithm": c.hash_algorithm}
                for n, c in sorted(self.data_group_checks.items())
            },
            "signer": self.signer,
            "errors": self.errors,
        }


def _signed_attrs(signer_info: cms.SignerInfo) -> cms.CMSAttributes | None:
    attrs = signer_info["signed_attrs"]
    return None if isinstance(attrs, core.Void) or len(attrs) == 0 else attrs


def check_signed_attributes(
    signer_info: cms.SignerInfo, econtent: bytes, econtent_type: str
) -> tuple[bool, str, bytes]:
    """Check content-type and message-digest attributes; return (ok, detail, bytes that were signed)."""
    attrs = _signed_attrs(signer_info)
    if attrs is None:
        return (
            False,
            "signed attributes absent (Doc 9303 requires them); signature taken over eContent",
            econtent,
        )
    algorithm = hash_name(signer_info["digest_algorithm"], "SignerInfo.digestAlgorithm")
    found_type: str | None = None
    found_digest: bytes | None = None
    for attr in attrs:
        name = attr["type"].dotted
        values = attr["values"]
        if len(values) != 1:
            return False, f"signed attribute {name} must have exactly one value", b"\x31" + attrs.dump()[1:]
        if name == "1.2.840.113549.1.9.3":
            found_type = values[0].dotted
        elif name == "1.2.840.113549.1.9.4":
            found_digest = bytes(values[0].native)
    signed = b"\x31" + attrs.dump()[1:]  # the signature covers the DER SET OF, not the [0] IMPLICIT tag
    if found_type != econtent_type:
        return False, f"content-type attribute is {found_type}, expected {econtent_type}", signed
    if found_digest is None:
        return False, "message-digest attribute absent", signed
    computed = digest(algorithm, econtent)
    if computed != found_digest:
        return (
            False,
            f"message digest mismatch: {algorithm}(eContent) = {computed.hex()}, attribute = {found_digest.hex()}",
            signed,
        )
    return True, f"content type {econtent_type}; {algorithm} message digest matches eContent", signed


def check_signature(signer_info: cms.SignerInfo, signed: bytes, cert: x509.Certificate) -> tuple[bool, str]:
    """Verify the SignerInfo's signature over ``signed`` with ``cert``'s key; (ok, detail)."""
    algorithm = signer_info["signature_algorithm"]
    name = str(algorithm["algorithm"].native)
    digest_alg = str(signer_info["digest_algorithm"]["algorithm"].native)
    ok = verify_signature(
        cert.public_key,
        algorithm,
        bytes(signer_info["signature"].native),
        signed,
        digest_algorithm=digest_alg,
        where="SignerInfo.signature",
    )
    key = cert.public_key
    curve = (curve_name(key) or "unknown curve") if key.algorithm == "ec" else f"{key.bit_size}-bit"
    label = f"{name} ({digest_alg}) with {key.algorithm.upper()} {curve} key"
    return ok, (f"{label}: signature verifies" if ok else f"{label}: signature does not verify")


def check_signer_info(
    signer_info: cms.SignerInfo, econtent: bytes, econtent_type: str, cert: x509.Certificate
) -> list[str]:
    """Problems with a CMS signer (attributes and signature); empty when both check out."""
    problems: list[str] = []
    try:
        ok, detail, signed = check_signed_attributes(signer_info, econtent, econtent_type)
        if not ok:
            problems.append(detail)
        ok, detail = check_signature(signer_info, signed, cert)
        if not ok:
            problems.append(detail)
    except EPassportError as exc:
        problems.append(str(exc))
    except ASN1_ERRORS as exc:
        problems.append(f"malformed signer information ({exc})")
    return problems


@lru_cache(maxsize=4096)
def _friendly_der(der: bytes) -> str:
    return x509.Name.load(der).human_friendly


def _friendly(name: x509.Name) -> str:
    """The name as people read it, cached by its DER (asn1crypto rebuilds the string on every access)."""
    return _friendly_der(name.dump())


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _normalise_mrz(text: str) -> str:
    return "".join(text.split()).upper()


class _Report:
    def __init__(self) -> None:
        self.steps: dict[str, Step] = {}
        self.errors: list[dict[str, object]] = []

    def set(self, name: str, status: StepStatus, detail: str, code: str = "") -> None:
        self.steps[name] = Step(name, status, detail, code)
        if status == "failed":
            self.errors.append({"code": code or f"{name}_failed", "where": name, "message": detail})


def verify(
    sod: bytes | SOD,
    data_groups: Mapping[int, bytes],
    *,
    trust_store: TrustStore | None = None,
    at: datetime | None = None,
    mrz: str | None = None,
    strict: bool = True,
) -> VerificationResult:
    """Run passive authentication on EF.SOD and the data groups read from the chip.

    ``data_groups`` maps DG numbers to their file bytes.  ``at`` is the validation instant (default now,
    naive values are taken as UTC).  ``mrz`` is the MRZ read from the data page, compared with DG1.
    Raises a :class:`~openbmis.epassport.errors.ParseError` when EF.SOD itself cannot be parsed; every other
    problem is reported in the result.
    """
    try:
        return _verify(sod, data_groups, trust_store=trust_store, at=at, mrz=mrz, strict=strict)
    except EPassportError:
        raise
    except ASN1_ERRORS as exc:
        # parse_sod reads only the fields used; asn1crypto parses the rest lazily, on first access here.
        raise ParseError(f"malformed EF.SOD content ({exc})", where="EF.SOD") from None


def _verify(
    sod: bytes | SOD,
    data_groups: Mapping[int, bytes],
    *,
    trust_store: TrustStore | None,
    at: datetime | None,
    mrz: str | None,
    strict: bool,
) -> VerificationResult:
    """The eight steps of passive authentication, in order; each writes its outcome into the report."""
    when = datetime.now(UTC) if at is None else (at if at.tzinfo else at.replace(tzinfo=UTC))
    parsed_sod = sod if isinstance(sod, SOD) else parse_sod(sod, strict=strict)
    report = _Report()
    store = trust_store if trust_store is not None else TrustStore()

    signed = _check_signed_attributes_step(report, parsed_sod)
    dsc, source = _find_dsc(parsed_sod, store)
    _check_signature_step(report, parsed_sod.signer_info, signed, dsc, source)
    anchor: str | None = None
    path: list[x509.Certificate] = []
    if dsc is None:
        for name in ("certificate_chain", "validity", "revocation"):
            report.set(name, "not_checked", "no document signer certificate", "dsc_unknown")
    else:
        anchor, path = _check_chain(report, store, dsc)
        _check_validity(report, dsc, path, when)
        _check_revocation(report, store, dsc, path, when)
    checks, parsed_groups = _check_data_groups(report, parsed_sod, data_groups, strict)
    _check_mrz_match(report, mrz, parsed_groups.get(1))
    return _result(report, parsed_sod, dsc, anchor, path, checks, parsed_groups)


def _check_signed_attributes_step(report: _Report, parsed_sod: SOD) -> bytes:
    """Step 1: the signed attributes and their message digest; returns the bytes the signature covers."""
    try:
        ok, detail, signed = check_signed_attributes(
            parsed_sod.signer_info, parsed_sod.encap_content, LDS_SECURITY_OBJECT_OID
        )
        report.set("signed_attributes", "passed" if ok else "failed", detail,
                   "" if ok else "signed_attributes_invalid")
    except EPassportError as exc:
        signed = parsed_sod.encap_content
        report.set("signed_attributes", "failed", str(exc), exc.code)
    return signed


def _find_dsc(parsed_sod: SOD, store: TrustStore) -> tuple[x509.Certificate | None, str]:
    """The document signer certificate: the one in EF.SOD, else the store's by the signer identifier."""
    dsc = parsed_sod.signer_certificate()
    if dsc is not None:
        return dsc, "EF.SOD"
    sid = parsed_sod.signer_info["sid"]
    if sid.name == "issuer_and_serial_number":
        dsc = store.find_dsc(sid.chosen["issuer"], sid.chosen["serial_number"].native, None)
    else:
        dsc = store.find_dsc(x509.Name(), None, bytes(sid.chosen.native))
    return dsc, "trust store"


def _check_signature_step(
    report: _Report, signer_info: cms.SignerInfo, signed: bytes, dsc: x509.Certificate | None, source: str
) -> None:
    """Step 2: the SOD signature with the DSC's key."""
    if dsc is None:
        report.set("signature", "not_checked",
                   "document signer certificate neither in EF.SOD nor in the trust store", "dsc_unknown")
        return
    try:
        ok, detail = check_signature(signer_info, signed, dsc)
        report.set("signature", "passed" if ok else "failed", f"{detail} (DSC from {source})",
                   "" if ok else "signature_invalid")
    except UnsupportedAlgorithm as exc:
        report.set("signature", "not_checked", str(exc), exc.code)


def _check_chain(
    report: _Report, store: TrustStore, dsc: x509.Certificate
) -> tuple[str | None, list[x509.Certificate]]:
    """Step 3: a path from the DSC to a trusted CSCA (or a pinned DSC); returns the anchor kind and the path."""
    if store.is_pinned(dsc):
        report.set("certificate_chain", "passed",
                   f"DSC is pinned in the trust store as its own trust anchor; its issuer CSCA "
                   f"({_friendly(dsc.issuer)}) was not checked")
        return "pinned_dsc", []
    if len(store) == 0:
        report.set("certificate_chain", "not_checked", "empty trust store: no CSCA to check the DSC against",
                   "no_trust_store")
        return None, []
    found = store.build_path(dsc)
    if found is None:
        # Say why no path exists: the named CSCA's key did not sign it, another key of it is trusted, or none.
        if store.issuers_of(dsc):
            report.set("certificate_chain", "failed",
                       f"DSC signature does not verify with any trusted CSCA named {_friendly(dsc.issuer)}",
                       "chain_signature_invalid")
        elif store.issuers_of(dsc, match_key_id=False):
            report.set("certificate_chain", "failed",
                       f"a CSCA named {_friendly(dsc.issuer)} is trusted, but not with the key that signed the DSC "
                       "(authority key identifier differs)", "unknown_csca_key")
        else:
            report.set("certificate_chain", "failed",
                       f"unknown CSCA: {_friendly(dsc.issuer)} is not in the trust store", "unknown_csca")
        return None, []
    links = len(found) - 1
    report.set("certificate_chain", "passed",
               f"DSC issued by trusted CSCA {_friendly(found[-1].subject)}"
               + (f" through {links} link certificate(s)" if links else ""))
    return "csca", found


def _check_validity(report: _Report, dsc: x509.Certificate, path: list[x509.Certificate], when: datetime) -> None:
    """Step 4: every certificate of the path valid at the validation instant."""
    expired = []
    for cert in [dsc, *path]:
        v = cert["tbs_certificate"]["validity"]
        nb, na = v["not_before"].native, v["not_after"].native
        if not nb <= when <= na:
            expired.append(f"{_friendly(cert.subject)} valid {_iso(nb)} to {_iso(na)}")
    if expired:
        report.set("validity", "failed", f"not valid at {_iso(when)}: " + "; ".join(expired), "certificate_expired")
    else:
        report.set("validity", "passed", f"{1 + len(path)} certificate(s) valid at {_iso(when)}")


def _check_data_groups(
    report: _Report, parsed_sod: SOD, data_groups: Mapping[int, bytes], strict: bool
) -> tuple[dict[int, DataGroupCheck], dict[int, object]]:
    """Steps 6 and 7: each data group's hash against the SOD, and its content parsed."""
    checks: dict[int, DataGroupCheck] = {}
    parsed_groups: dict[int, object] = {}
    algorithm = parsed_sod.hash_algorithm
    mismatched: list[str] = []
    unparsable: list[str] = []
    for number in sorted(set(parsed_sod.data_group_hashes) | set(data_groups)):
        expected = parsed_sod.data_group_hashes.get(number)
        content = data_groups.get(number)
        if content is None:
            checks[number] = DataGroupCheck(number, "not_provided", algorithm, expected.hex() if expected else None)
            continue
        computed = digest(algorithm, content)
        error = None
        try:
            parsed_groups[number] = parse_data_group(number, content, strict=strict)
        except EPassportError as exc:
            error = str(exc)
            unparsable.append(f"DG{number}: {exc}")
            report.errors.append({**exc.as_dict(), "data_group": number})
        if expected is None:
            status: DataGroupStatus = "not_in_sod"
            mismatched.append(f"DG{number} is not listed in the SOD")
        elif computed == expected:
            status = "match"
        else:
            status = "mismatch"
            mismatched.append(f"DG{number} {algorithm} {computed.hex()} differs from SOD {expected.hex()}")
        checks[number] = DataGroupCheck(
            number, status, algorithm, expected.hex() if expected else None, computed.hex(), error
        )
    if not data_groups:
        report.set("data_group_hashes", "not_checked", "no data group supplied", "no_data_groups")
        report.set("data_group_content", "not_checked", "no data group supplied")
        return checks, parsed_groups
    if mismatched:
        report.set("data_group_hashes", "failed", "; ".join(mismatched), "data_group_hash_mismatch")
    else:
        report.set("data_group_hashes", "passed",
                   f"{len(data_groups)} data group(s) match their {algorithm} hash in the SOD")
    if unparsable:
        # Not report.set: each unparsable group's error is already in report.errors, with its data group.
        report.steps["data_group_content"] = Step(
            "data_group_content", "failed", "; ".join(unparsable), "data_group_malformed"
        )
    else:
        report.set("data_group_content", "passed",
                   f"{len(data_groups)} data group(s) parsed ({'strict' if strict else 'relaxed'})")
    return checks, parsed_groups


def _check_mrz_match(report: _Report, mrz: str | None, dg1: object) -> None:
    """Step 8: DG1 against the MRZ read from the data page."""
    if mrz is None:
        report.set("mrz_match", "not_checked", "no MRZ from the data page supplied")
    elif not isinstance(dg1, DG1):
        report.set("mrz_match", "not_checked", "DG1 not supplied or not readable")
    elif _normalise_mrz(mrz) == dg1.mrz:
        report.set("mrz_match", "passed", "DG1 equals the MRZ read from the data page")
    else:
        report.set("mrz_match", "failed", "DG1 differs from the MRZ read from the data page", "mrz_mismatch")


def _result(
    report: _Report,
    parsed_sod: SOD,
    dsc: x509.Certificate | None,
    anchor: str | None,
    path: list[x509.Certificate],
    checks: dict[int, DataGroupCheck],
    parsed_groups: dict[int, object],
) -> VerificationResult:
    """The verdict: valid when no step failed and every required step passed."""
    steps = [report.steps[name] for name in STEP_NAMES]
    for name in _REQUIRED:
        step = report.steps[name]
        if step.status == "not_checked":
            # A required step that could not run makes the document unverified; say which and why.
            report.errors.append({"code": step.code or f"{name}_not_checked", "where": name, "message": step.detail})
    valid = all(s.status != "failed" for s in steps) and all(report.steps[n].status == "passed" for n in _REQUIRED)
    signer = None
    if dsc is not None:
        validity = dsc["tbs_certificate"]["validity"]
        signer = {
            "subject": _friendly(dsc.subject),
            "serial": format(dsc.serial_number, "x"),
            "not_before": _iso(validity["not_before"].native),
            "not_after": _iso(validity["not_after"].native),
        }
    return VerificationResult(
        valid=valid,
        steps=steps,
        data_group_checks=checks,
        signer=signer,
        errors=report.errors,
        trust_anchor=anchor,
        chain=[_friendly(c.subject) for c in path],
        data_groups=parsed_groups,
        sod=parsed_sod,
    )


def _check_revocation(
    report: _Report, store: TrustStore, dsc: x509.Certificate, path: list[x509.Certificate], when: datetime
) -> None:
    candidates = store.crls_for(dsc.issuer)
    if not candidates:
        report.set("revocation", "not_checked", f"no CRL from {_friendly(dsc.issuer)} in the trust store")
        return
    issuer = path[0] if path else None
    if issuer is None:
        report.set(
            "revocation", "not_checked", "CRL present but its CSCA is not trusted, so it cannot be verified"
        )
        return
    verified = [c for c in candidates if crl_signed_by(c, issuer)]
    if not verified:
        report.set(
            "revocation",
            "failed",
            "CRL signature does not verify with the issuing CSCA",
            "crl_signature_invalid",
        )
        return
    for revocation_list in verified:
        for entry in revocation_list["tbs_cert_list"]["revoked_certificates"]:
            if entry["user_certificate"].native == dsc.serial_number:
                revoked_at = entry["revocation_date"].native
                if revoked_at <= when:
                    report.set("revocation", "failed", f"DSC revoked on {_iso(revoked_at)}", "dsc_revoked")
                    return
    fresh = [
        c
        for c in verified
        if c["tbs_cert_list"]["next_update"].native is None
        or when <= c["tbs_cert_list"]["next_update"].native
    ]
    if not fresh:
        report.set(
            "revocation",
            "not_checked",
            f"DSC not listed, but every CRL is past its nextUpdate at {_iso(when)}",
        )
        return
    report.set("revocation", "passed", f"DSC not listed on the verified CRL of {_friendly(dsc.issuer)}")
