"""EF.SOD: the Document Security Object (ICAO Doc 9303 Part 10, section 4.6.2).

EF.SOD is tag ``77`` around a CMS ContentInfo (RFC 5652) of type SignedData, version 3, whose encapsulated
content (type ``id-icao-mrtd-security-ldsSecurityObject`` 2.23.136.1.1.1) is the LDS Security Object: a version
(0 for LDS 1.7, 1 for LDS 1.8 with ``ldsVersionInfo``), a hash algorithm, and one hash per data group.  One
SignerInfo signs it, with signed attributes carrying the content type and the message digest; the document
signer certificate (DSC) is normally included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from asn1crypto import algos, cms, core, x509
from cryptography import x509 as cx509

from .crypto import hash_name
from .errors import EPassportError, ParseError, UnsupportedVersion, WrongContentType
from .tlv import Strictness, read_tlv, unwrap

LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"
SOD_TAG = 0x77


class DataGroupHash(core.Sequence):
    """ASN.1 DataGroupHash ::= SEQUENCE { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING }."""

    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]


class DataGroupHashValues(core.SequenceOf):
    """ASN.1 SEQUENCE OF DataGroupHash."""

    _child_spec = DataGroupHash


class LDSVersionInfo(core.Sequence):
    """ASN.1 LDSVersionInfo ::= SEQUENCE { ldsVersion PrintableString, unicodeVersion PrintableString }."""

    _fields = [("lds_version", core.PrintableString), ("unicode_version", core.PrintableString)]


class LDSSecurityObject(core.Sequence):
    """ASN.1 LDSSecurityObject (Doc 9303 Part 10, 4.6.2.2)."""

    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
        ("lds_version_info", LDSVersionInfo, {"optional": True}),
    ]


class _ContentInfo(core.Sequence):
    """ContentInfo whose content is left unparsed until its type has been checked."""

    _fields = [("content_type", cms.ContentType), ("content", core.Any, {"explicit": 0, "optional": True})]


class _EncapsulatedContentInfo(core.Sequence):
    """EncapsulatedContentInfo whose eContent stays an OCTET STRING whatever its declared type."""

    _fields = [
        ("content_type", core.ObjectIdentifier),
        ("content", core.OctetString, {"explicit": 0, "optional": True}),
    ]


class SignedData(core.Sequence):
    """RFC 5652 SignedData, with the eContent kept as bytes (asn1crypto would otherwise guess its type)."""

    _fields = [
        ("version", cms.CMSVersion),
        ("digest_algorithms", cms.DigestAlgorithms),
        ("encap_content_info", _EncapsulatedContentInfo),
        ("certificates", cms.CertificateSet, {"implicit": 0, "optional": True}),
        ("crls", cms.RevocationInfoChoices, {"implicit": 1, "optional": True}),
        ("signer_infos", cms.SignerInfos),
    ]


# Exceptions asn1crypto raises, lazily, on malformed input; they are turned into ParseError.
ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, UnicodeDecodeError)


@dataclass(frozen=True, slots=True)
class SOD:
    """A parsed EF.SOD.

    ``data_group_hashes`` maps the data group number (1..16) to its hash; ``hash_algorithm`` is the hashlib
    name used for them.  The CMS pieces needed by passive authentication are kept as asn1crypto objects.
    ``tolerated`` lists the defects accepted in relaxed mode.
    """

    lds_version: int
    hash_algorithm: str
    data_group_hashes: dict[int, bytes]
    lds_version_info: tuple[str, str] | None
    signed_data: SignedData
    signer_info: cms.SignerInfo
    encap_content: bytes
    certificates: tuple[x509.Certificate, ...]
    raw: bytes
    tolerated: tuple[str, ...] = field(default=())
    # The embedded certificate the SignerInfo identifies, found once at parse time.
    signer_cert: x509.Certificate | None = field(default=None, repr=False, compare=False)

    @property
    def signed_attrs(self) -> cms.CMSAttributes | None:
        """The signer's signed attributes, or None when absent."""
        attrs = self.signer_info["signed_attrs"]
        return None if isinstance(attrs, core.Void) or len(attrs) == 0 else attrs

    @property
    def digest_algorithm(self) -> str:
        """The SignerInfo digest algorithm (hashlib name)."""
        return hash_name(self.signer_info["digest_algorithm"], "SOD SignerInfo digestAlgorithm")

    def signer_certificate(self) -> x509.Certificate | None:
        """The embedded certificate the SignerInfo identifies, or None when the SOD does not carry it."""
        if self.signer_cert is not None:
            return self.signer_cert
        return find_signer(self.signer_info, self.certificates)


def names_equal(a: x509.Name, b: x509.Name) -> bool:
    """X.509 name equality, with a byte-equality fast path (the RFC 5280 comparison is costly in asn1crypto)."""
    return a.dump() == b.dump() or a == b


def find_signer(
    signer_info: cms.SignerInfo, certificates: tuple[x509.Certificate, ...]
) -> x509.Certificate | None:
    """The certificate among ``certificates`` that ``signer_info``'s sid identifies, or None."""
    sid = signer_info["sid"]
    if sid.name == "issuer_and_serial_number":
        issuer, serial = sid.chosen["issuer"], sid.chosen["serial_number"].native
        for cert in certificates:
            if cert.serial_number == serial and names_equal(cert.issuer, issuer):
                return cert
        return None
    key_id = sid.chosen.native
    for cert in certificates:
        if cert.key_identifier == key_id:
            return cert
    return None


_Value = TypeVar("_Value", bound=core.Asn1Value)


def _load_strict(spec: type[_Value], data: bytes, where: str, *, force: bool = True) -> _Value:
    try:
        value = spec.load(data, strict=True)
        if not force:
            value["content"]  # noqa: B018 - its header only (Any): the inner value is parsed later
            value["content_type"].dotted  # noqa: B018 - parse the type now, the content later
            return value
        value.native  # noqa: B018 - asn1crypto parses lazily: force every field now so errors surface here
    except EPassportError:
        raise
    except ASN1_ERRORS as exc:
        raise ParseError(f"malformed ASN.1 ({exc})", where=where) from None
    return value


def _load_used_fields(data: bytes, where: str) -> SignedData:
    """SignedData with only what passive authentication reads parsed now (asn1crypto parses lazily).

    A full ``.native`` parse costs milliseconds, most of it in the embedded certificates' extensions; those are
    checked here by cryptography's DER parser instead, which rejects malformed certificates in microseconds.
    """
    try:
        signed = SignedData.load(data, strict=True)
        signed["version"].native  # noqa: B018
        signed["digest_algorithms"].native  # noqa: B018
        for signer_info in signed["signer_infos"]:
            signer_info["sid"].native  # noqa: B018
            signer_info["digest_algorithm"].native  # noqa: B018
            signer_info["signature_algorithm"].native  # noqa: B018
            signer_info["signature"].native  # noqa: B018
        certificates = signed["certificates"]
        if not isinstance(certificates, core.Void):
            for choice in certificates:
                if choice.name == "certificate":
                    cx509.load_der_x509_certificate(choice.chosen.dump())
    except EPassportError:
        raise
    except ASN1_ERRORS as exc:
        raise ParseError(f"malformed ASN.1 ({exc})", where=where) from None
    return signed


def _parse_signed_data(
    content: bytes, *, where: str, econtent_type: str, mode: Strictness, full: bool = True
) -> tuple[SignedData, bytes]:
    """Parse a DER ContentInfo holding SignedData, check its types and version, return it with the eContent.

    ``full`` forces asn1crypto to parse every field now.  Without it only the fields passive authentication uses
    are read here, and embedded certificates are checked with cryptography's (fast, strict) DER parser; the
    caller must then treat a later asn1crypto error as a parse error (``verify`` does).
    """
    info = _load_strict(_ContentInfo, content, f"{where} ContentInfo", force=False)
    content_type = info["content_type"].dotted
    if content_type != "1.2.840.113549.1.7.2":
        raise WrongContentType(
            "ContentInfo is not SignedData",
            where=f"{where} ContentInfo.contentType",
            expected="1.2.840.113549.1.7.2 (signedData)",
            found=f"{content_type} ({info['content_type'].native})",
        )
    if isinstance(info["content"], core.Void):
        raise ParseError("SignedData content is absent", where=f"{where} ContentInfo.content")
    signed_der = read_tlv(info["content"].dump(), where=f"{where} ContentInfo.content").value
    if full:
        signed = _load_strict(SignedData, signed_der, f"{where} SignedData")
    else:
        signed = _load_used_fields(signed_der, f"{where} SignedData")
    try:
        version = signed["version"].native
        if version != "v3":
            mode.tolerate(
                UnsupportedVersion(
                    "SignedData version", where=f"{where} SignedData.version", expected="v3", found=version
                )
            )
        encap = signed["encap_content_info"]
        etype = encap["content_type"].dotted
        if etype != econtent_type:
            raise WrongContentType(
                "encapsulated content type",
                where=f"{where} eContentType",
                expected=econtent_type,
                found=etype,
            )
        econtent = encap["content"]
        if isinstance(econtent, core.Void) or econtent.native is None:
            raise ParseError("encapsulated content is absent (detached signature)", where=f"{where} eContent")
        raw_econtent = bytes(econtent.native)
        if len(signed["signer_infos"]) != 1:
            mode.tolerate(
                ParseError(
                    "SignedData must carry exactly one SignerInfo",
                    where=f"{where} signerInfos",
                    expected=1,
                    found=len(signed["signer_infos"]),
                )
            )
        if len(signed["signer_infos"]) == 0:
            raise ParseError("no SignerInfo", where=f"{where} signerInfos")
    except EPassportError:
        raise
    except ASN1_ERRORS as exc:
        raise ParseError(f"malformed SignedData ({exc})", where=where) from None
    return signed, raw_econtent


def certificates_of(signed: SignedData) -> tuple[x509.Certificate, ...]:
    """The X.509 certificates in a SignedData's ``certificates`` field."""
    certs = signed["certificates"]
    if isinstance(certs, core.Void):
        return ()
    return tuple(c.chosen for c in certs if c.name == "certificate")


def _parse_sod(data: bytes, *, strict: bool = True) -> SOD:
    """Parse EF.SOD bytes (tag ``77``); raise a :class:`ParseError` subclass naming what is wrong."""
    mode = Strictness(strict)
    outer = unwrap(bytes(data), SOD_TAG, where="EF.SOD", mode=mode)
    signed, econtent = _parse_signed_data(
        outer.value, where="EF.SOD", econtent_type=LDS_SECURITY_OBJECT_OID, mode=mode, full=False
    )
    lso = _load_strict(LDSSecurityObject, econtent, "LDSSecurityObject")
    try:
        version = int(lso["version"].native)
        has_info = not isinstance(lso["lds_version_info"], core.Void)
        if version not in (0, 1):
            raise UnsupportedVersion(
                "LDSSecurityObject version",
                where="LDSSecurityObject.version",
                expected="0 or 1",
                found=version,
            )
        if version == 1 and not has_info:
            mode.tolerate(
                ParseError("version 1 requires ldsVersionInfo", where="LDSSecurityObject.ldsVersionInfo")
            )
        if version == 0 and has_info:
            mode.tolerate(
                ParseError(
                    "version 0 must not carry ldsVersionInfo", where="LDSSecurityObject.ldsVersionInfo"
                )
            )
        info = (
            (
                str(lso["lds_version_info"]["lds_version"].native),
                str(lso["lds_version_info"]["unicode_version"].native),
            )
            if has_info
            else None
        )
        hash_alg = hash_name(lso["hash_algorithm"], "LDSSecurityObject.hashAlgorithm")
        hashes: dict[int, bytes] = {}
        for item in lso["data_group_hash_values"]:
            number = int(item["data_group_number"].native)
            value = bytes(item["data_group_hash_value"].native)
            where = f"LDSSecurityObject.dataGroupHashValues[DG{number}]"
            if not 1 <= number <= 16:
                raise ParseError(
                    "data group number out of range", where=where, expected="1..16", found=number
                )
            if number in hashes:
                raise ParseError("data group listed twice", where=where)
            if len(value) != len(b"\0" * _digest_size(hash_alg)):
                mode.tolerate(
                    ParseError(
                        "hash length does not fit the hash algorithm",
                        where=where,
                        expected=_digest_size(hash_alg),
                        found=len(value),
                    )
                )
            hashes[number] = value
        if not hashes:
            raise ParseError("no data group hashes", where="LDSSecurityObject.dataGroupHashValues")
        signer = signed["signer_infos"][0]
        certificates = certificates_of(signed)
        sod = SOD(
            lds_version=version,
            hash_algorithm=hash_alg,
            data_group_hashes=hashes,
            lds_version_info=info,
            signed_data=signed,
            signer_info=signer,
            encap_content=econtent,
            certificates=certificates,
            raw=bytes(data),
            tolerated=tuple(mode.tolerated),
            signer_cert=find_signer(signer, certificates),
        )
    except EPassportError:
        raise
    except ASN1_ERRORS as exc:
        raise ParseError(f"malformed SOD ({exc})", where="EF.SOD") from None
    return sod


def _digest_size(name: str) -> int:
    return {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64}[name]


def parse_signed_data(
    content: bytes, *, where: str, econtent_type: str, mode: Strictness
) -> tuple[SignedData, bytes]:
    """Parse a DER ContentInfo holding SignedData, check its types and version, return it with the eContent."""
    try:
        return _parse_signed_data(content, where=where, econtent_type=econtent_type, mode=mode)
    except EPassportError:
        raise
    except ASN1_ERRORS as exc:  # asn1crypto parses lazily: any access may meet malformed bytes
        raise ParseError(f"malformed ASN.1 ({exc})", where=where) from None


def parse_sod(data: bytes, *, strict: bool = True) -> SOD:
    """Parse EF.SOD bytes (tag ``77``); raise a :class:`ParseError` subclass naming what is wrong."""
    try:
        return _parse_sod(data, strict=strict)
    except EPassportError:
        raise
    except ASN1_ERRORS as exc:
        raise ParseError(f"malformed ASN.1 ({exc})", where="EF.SOD") from None
