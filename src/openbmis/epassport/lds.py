"""Logical Data Structure files (ICAO Doc 9303 Part 10): EF.COM and data groups 1, 2, 11, 12, 14 and 15.

Each file is one BER-TLV under its application tag.  Parsers are strict by default: a wrong tag, a length that
overruns, trailing bytes, an unsupported version or a malformed field raises a :class:`ParseError` subclass
naming the place.  With ``strict=False`` the recoverable defects are listed in ``tolerated`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from asn1crypto import core, keys

from openbmis.mrz import MRZError, MRZResult
from openbmis.mrz import parse as parse_mrz

from .crypto import curve_name
from .errors import BadTag, EPassportError, ParseError, UnsupportedVersion
from .sod import ASN1_ERRORS
from .tlv import Strictness, Tlv, read_children, read_tlv, unwrap

#: Application tag of each data group (Doc 9303 Part 10, table 34); EF.COM is ``60`` and EF.SOD ``77``.
DG_TAGS: dict[int, int] = {
    1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68,
    9: 0x69, 10: 0x6A, 11: 0x6B, 12: 0x6C, 13: 0x6D, 14: 0x6E, 15: 0x6F, 16: 0x70,
}  # fmt: skip
TAG_TO_DG = {tag: number for number, tag in DG_TAGS.items()}
EF_COM_TAG = 0x60

ImageFormat = Literal["jpeg", "jpeg2000"]
_MIME = {"jpeg": "image/jpeg", "jpeg2000": "image/jp2"}


@dataclass(frozen=True, slots=True)
class EFCom:
    """EF.COM: LDS version (``"0107"``), Unicode version (``"040000"``) and the data groups present."""

    lds_version: str
    unicode_version: str
    data_groups: tuple[int, ...]
    tolerated: tuple[str, ...] = ()


def _text(value: bytes, where: str, mode: Strictness) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        mode.tolerate(ParseError("text is not valid UTF-8", where=where))
        return value.decode("latin-1")


def parse_ef_com(data: bytes, *, strict: bool = True) -> EFCom:
    """Parse EF.COM (tag ``60``)."""
    mode = Strictness(strict)
    outer = unwrap(data, EF_COM_TAG, where="EF.COM", mode=mode)
    found = {c.tag: c for c in read_children(outer.value, where="EF.COM", mode=mode)}
    for tag in (0x5F01, 0x5F36, 0x5C):
        if tag not in found:
            raise BadTag("required element missing", where="EF.COM", expected=f"{tag:X}")
    groups: list[int] = []
    for tag in found[0x5C].value:
        if tag not in TAG_TO_DG:
            mode.tolerate(
                BadTag("unknown data group tag in tag list", where="EF.COM tag list", found=f"{tag:02X}")
            )
            continue
        groups.append(TAG_TO_DG[tag])
    return EFCom(
        lds_version=_text(found[0x5F01].value, "EF.COM LDS version", mode),
        unicode_version=_text(found[0x5F36].value, "EF.COM Unicode version", mode),
        data_groups=tuple(groups),
        tolerated=tuple(mode.tolerated),
    )


_MRZ_SHAPES = {90: (3, 30, "TD1"), 72: (2, 36, "TD2"), 88: (2, 44, "TD3")}
_MRZ_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")


@dataclass(frozen=True, slots=True)
class DG1:
    """DG1: the MRZ as stored on the chip.

    ``mrz`` is the raw text (no line breaks), ``lines`` split per the document format.  ``parsed`` is the
    result of :func:`openbmis.mrz.parse` when that library offers it, else None; ``parse_error`` holds its
    error message when it rejected the MRZ.
    """

    mrz: str
    lines: tuple[str, ...]
    document_format: str
    parsed: MRZResult | None = None
    parse_error: str | None = None
    tolerated: tuple[str, ...] = ()


def parse_dg1(data: bytes, *, strict: bool = True) -> DG1:
    """Parse DG1 (tag ``61``, MRZ in ``5F1F``)."""
    mode = Strictness(strict)
    outer = unwrap(data, DG_TAGS[1], where="DG1", mode=mode)
    inner = read_tlv(outer.value, where="DG1", mode=mode)
    if inner.tag != 0x5F1F:
        raise BadTag("MRZ element missing", where="DG1", expected="5F1F", found=f"{inner.tag:X}")
    if inner.end != len(outer.value):
        mode.tolerate(ParseError("bytes after the MRZ element", where="DG1"))
    try:
        mrz = inner.value.decode("ascii")
    except UnicodeDecodeError:
        raise ParseError("MRZ is not ASCII", where="DG1 MRZ") from None
    bad = sorted(set(mrz) - _MRZ_CHARS)
    if bad:
        mode.tolerate(ParseError("characters outside the MRZ set", where="DG1 MRZ", found="".join(bad)))
    shape = _MRZ_SHAPES.get(len(mrz))
    if shape is None:
        mode.tolerate(
            ParseError(
                "MRZ length fits no document format", where="DG1 MRZ", expected="90, 72 or 88", found=len(mrz)
            )
        )
        lines: tuple[str, ...] = (mrz,)
        fmt = "unknown"
    else:
        count, width, fmt = shape
        lines = tuple(mrz[i * width : (i + 1) * width] for i in range(count))
    parsed: MRZResult | None = None
    error: str | None = None
    if shape is not None:
        try:
            # Chip data is not OCR output: no OCR repair of look-alike characters.
            parsed = parse_mrz("\n".join(lines), repair=False)
        except MRZError as exc:
            error = f"{type(exc).__name__}: {exc}"
    return DG1(mrz, lines, fmt, parsed, error, tuple(mode.tolerated))


@dataclass(frozen=True, slots=True)
class FaceImage:
    """One face image from DG2: the encoded image bytes, their format and MIME type, and the container."""

    data: bytes = field(repr=False)
    format: ImageFormat = "jpeg"
    mime_type: str = "image/jpeg"
    container: Literal["ISO/IEC 19794-5", "ISO/IEC 39794-5"] = "ISO/IEC 19794-5"
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class DG2:
    """DG2: the encoded face images."""

    images: tuple[FaceImage, ...]
    tolerated: tuple[str, ...] = ()


def sniff_image(data: bytes) -> ImageFormat | None:
    """The image format from its magic bytes: JPEG (``FFD8FF``), JP2 file or raw JPEG 2000 codestream."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or data[:4] == b"\xff\x4f\xff\x51":
        return "jpeg2000"
    return None


def _parse_19794(block: bytes, mode: Strictness) -> list[FaceImage]:
    where = "DG2 ISO/IEC 19794-5"
    if len(block) < 14 or block[:4] != b"FAC\x00":
        raise ParseError(
            "facial record header missing", where=where, expected="'FAC\\0'", found=block[:4].hex()
        )
    if block[4:8] != b"010\x00":
        mode.tolerate(
            UnsupportedVersion("format version", where=where, expected="010", found=block[4:8].hex())
        )
    total = int.from_bytes(block[8:12], "big")
    if total != len(block):
        mode.tolerate(
            ParseError(
                "record length differs from block length", where=where, expected=len(block), found=total
            )
        )
    count = int.from_bytes(block[12:14], "big")
    pos = 14
    images: list[FaceImage] = []
    for index in range(count):
        here = f"{where} image {index + 1}"
        if pos + 32 > len(block):
            raise ParseError("facial information block truncated", where=here)
        length = int.from_bytes(block[pos : pos + 4], "big")
        points = int.from_bytes(block[pos + 4 : pos + 6], "big")
        info = pos + 20 + 8 * points
        if length < 32 + 8 * points or pos + length > len(block):
            raise ParseError("facial record length inconsistent", where=here, found=length)
        image_type = block[info + 1]
        width = int.from_bytes(block[info + 2 : info + 4], "big")
        height = int.from_bytes(block[info + 4 : info + 6], "big")
        data = block[info + 12 : pos + length]
        declared: ImageFormat | None = {0: "jpeg", 1: "jpeg2000"}.get(image_type)  # type: ignore[assignment]
        sniffed = sniff_image(data)
        if declared is None:
            raise ParseError(
                "image data type not supported",
                where=here,
                expected="0 (JPEG) or 1 (JPEG 2000)",
                found=image_type,
            )
        if sniffed != declared:
            mode.tolerate(
                ParseError(
                    "image bytes do not match declared type", where=here, expected=declared, found=sniffed
                )
            )
        fmt = sniffed or declared
        images.append(FaceImage(bytes(data), fmt, _MIME[fmt], "ISO/IEC 19794-5", width, height))
        pos += length
    if pos != len(block):
        mode.tolerate(ParseError("bytes after the last facial record", where=where, found=len(block) - pos))
    return images


def _parse_39794(block: bytes, mode: Strictness) -> list[FaceImage]:
    # ISO/IEC 39794-5 is a DER tree; the image is the OCTET STRING `representationData2D` inside each
    # representation.  Rather than hard-code every optional block, walk the tree and return the primitive
    # values whose bytes open with a JPEG or JPEG 2000 signature.
    where = "DG2 ISO/IEC 39794-5"
    images: list[FaceImage] = []

    def walk(data: bytes, depth: int) -> None:
        if depth > 12:
            raise ParseError("nesting too deep", where=where)
        for item in read_children(data, where=where, mode=mode):
            if item.constructed:
                walk(item.value, depth + 1)
            else:
                fmt = sniff_image(item.value)
                if fmt is not None:
                    images.append(FaceImage(item.value, fmt, _MIME[fmt], "ISO/IEC 39794-5"))

    walk(block, 0)
    if not images:
        raise ParseError("no JPEG or JPEG 2000 image found", where=where)
    return images


def parse_dg2(data: bytes, *, strict: bool = True) -> DG2:
    """Parse DG2 (tag ``75``): biometric information group template ``7F61``, one ``7F60`` per face."""
    mode = Strictness(strict)
    outer = unwrap(data, DG_TAGS[2], where="DG2", mode=mode)
    group = read_tlv(outer.value, where="DG2", mode=mode)
    if group.tag != 0x7F61:
        raise BadTag(
            "biometric information group template missing",
            where="DG2",
            expected="7F61",
            found=f"{group.tag:X}",
        )
    children = read_children(group.value, where="DG2 7F61", mode=mode)
    if not children or children[0].tag != 0x02:
        raise BadTag("number of instances missing", where="DG2 7F61", expected="02")
    declared = int.from_bytes(children[0].value, "big")
    templates = [c for c in children[1:] if c.tag == 0x7F60]
    if len(templates) != declared:
        mode.tolerate(
            ParseError("instance count differs", where="DG2 7F61", expected=declared, found=len(templates))
        )
    images: list[FaceImage] = []
    for t_index, template in enumerate(templates):
        here = f"DG2 template {t_index + 1}"
        parts: dict[int, Tlv] = {p.tag: p for p in read_children(template.value, where=here, mode=mode)}
        if 0xA1 not in parts:
            mode.tolerate(BadTag("biometric header template missing", where=here, expected="A1"))
        if 0x5F2E in parts:
            images.extend(_parse_19794(parts[0x5F2E].value, mode))
        elif 0x7F2E in parts:
            images.extend(_parse_39794(parts[0x7F2E].value, mode))
        else:
            raise BadTag("biometric data block missing", where=here, expected="5F2E or 7F2E")
    if not images:
        raise ParseError("no face image", where="DG2")
    return DG2(tuple(images), tuple(mode.tolerated))


_DG11_FIELDS = {
    0x5F0E: "full_name", 0x5F10: "personal_number", 0x5F2B: "date_of_birth", 0x5F11: "place_of_birth",
    0x5F42: "address", 0x5F12: "telephone", 0x5F13: "profession", 0x5F14: "title",
    0x5F15: "personal_summary", 0x5F16: "proof_of_citizenship", 0x5F17: "other_travel_documents",
    0x5F18: "custody_information",
}  # fmt: skip
_DG12_FIELDS = {
    0x5F19: "issuing_authority", 0x5F26: "date_of_issue", 0x5F1B: "endorsements", 0x5F1C: "tax_exit_requirements",
    0x5F1D: "image_front", 0x5F1E: "image_rear", 0x5F55: "personalization_time",
    0x5F56: "personalization_device_serial",
}  # fmt: skip
_BINARY_FIELDS = {"proof_of_citizenship", "image_front", "image_rear"}


@dataclass(frozen=True, slots=True)
class OptionalDetails:
    """DG11 (additional personal details) or DG12 (additional document details).

    ``fields`` maps a field name to its text (images stay bytes); ``names`` holds the repeated names of the
    ``A0`` template (other names in DG11, other persons in DG12).
    """

    data_group: int
    fields: dict[str, str | bytes]
    names: tuple[str, ...] = ()
    tolerated: tuple[str, ...] = ()


def _parse_details(
    data: bytes, number: int, table: dict[int, str], name_tag: int, strict: bool
) -> OptionalDetails:
    mode = Strictness(strict)
    where = f"DG{number}"
    outer = unwrap(data, DG_TAGS[number], where=where, mode=mode)
    children = read_children(outer.value, where=where, mode=mode)
    if not children or children[0].tag != 0x5C:
        raise BadTag("tag list missing", where=where, expected="5C")
    values: dict[str, str | bytes] = {}
    names: list[str] = []
    for child in children[1:]:
        if child.tag == 0xA0:
            for item in read_children(child.value, where=f"{where} A0", mode=mode):
                if item.tag == name_tag:
                    names.append(_text(item.value, f"{where} {item.tag:X}", mode))
            continue
        key = table.get(child.tag)
        if key is None:
            mode.tolerate(BadTag("unknown element", where=where, found=f"{child.tag:X}"))
            continue
        values[key] = child.value if key in _BINARY_FIELDS else _text(child.value, f"{where} {key}", mode)
    return OptionalDetails(number, values, tuple(names), tuple(mode.tolerated))


def parse_dg11(data: bytes, *, strict: bool = True) -> OptionalDetails:
    """Parse DG11 (tag ``6B``), additional personal details."""
    return _parse_details(data, 11, _DG11_FIELDS, 0x5F0F, strict)


def parse_dg12(data: bytes, *, strict: bool = True) -> OptionalDetails:
    """Parse DG12 (tag ``6C``), additional document details."""
    return _parse_details(data, 12, _DG12_FIELDS, 0x5F1A, strict)


class _SecurityInfo(core.Sequence):
    _fields = [
        ("protocol", core.ObjectIdentifier),
        ("required_data", core.Any),
        ("optional_data", core.Any, {"optional": True}),
    ]


class _SecurityInfos(core.SetOf):
    _child_spec = _SecurityInfo


_BSI = "0.4.0.127.0.7.2.2."
# protocol OID prefix -> (name, allowed versions); Doc 9303 Part 11 section 9.2 and BSI TR-03110.
_VERSIONED = {
    _BSI + "3.": ("ChipAuthenticationInfo", (1, 2, 3)),
    _BSI + "4.": ("PACEInfo", (2,)),
    _BSI + "2": ("TerminalAuthenticationInfo", (1, 2)),
    "2.23.136.1.1.5": ("ActiveAuthenticationInfo", (1,)),
}


@dataclass(frozen=True, slots=True)
class SecurityInfo:
    """One SecurityInfo from DG14: its kind, protocol OID, version (when it has one) and key details."""

    kind: str
    protocol: str
    version: int | None = None
    key_id: int | None = None
    public_key_algorithm: str | None = None
    curve: str | None = None


@dataclass(frozen=True, slots=True)
class DG14:
    """DG14: SecurityInfos for chip authentication, PACE, terminal and active authentication."""

    infos: tuple[SecurityInfo, ...]
    tolerated: tuple[str, ...] = ()


def _dg14_item(item: _SecurityInfo, index: int, mode: Strictness) -> SecurityInfo:
    oid = str(item["protocol"].dotted)
    where = f"DG14 SecurityInfo {index + 1} ({oid})"
    optional = item["optional_data"]
    key_id = None
    if not isinstance(optional, core.Void):
        opt = optional.parse(core.Integer) if oid.startswith(_BSI) else None
        key_id = None if opt is None else int(opt.native)
    if oid.startswith(_BSI + "1."):
        spki = item["required_data"].parse(keys.PublicKeyInfo)
        algorithm = str(spki["algorithm"]["algorithm"].native)
        return SecurityInfo("ChipAuthenticationPublicKeyInfo", oid, None, key_id, algorithm, curve_name(spki))
    for prefix, (kind, versions) in _VERSIONED.items():
        if oid.startswith(prefix) or oid == prefix:
            version = int(item["required_data"].parse(core.Integer).native)
            if version not in versions:
                raise UnsupportedVersion(
                    f"{kind} version", where=where, expected=" or ".join(map(str, versions)), found=version
                )
            return SecurityInfo(kind, oid, version, key_id if kind == "ChipAuthenticationInfo" else None)
    return SecurityInfo("unknown", oid)


def parse_dg14(data: bytes, *, strict: bool = True) -> DG14:
    """Parse DG14 (tag ``6E``): a DER SET OF SecurityInfo."""
    mode = Strictness(strict)
    outer = unwrap(data, DG_TAGS[14], where="DG14", mode=mode)
    try:
        infos = _SecurityInfos.load(outer.value, strict=True)
        parsed = tuple(_dg14_item(item, i, mode) for i, item in enumerate(infos))
    except EPassportError:
        raise
    except ASN1_ERRORS as exc:
        raise ParseError(f"malformed SecurityInfos ({exc})", where="DG14") from None
    if not parsed:
        raise ParseError("no SecurityInfo", where="DG14")
    return DG14(parsed, tuple(mode.tolerated))


@dataclass(frozen=True, slots=True)
class DG15:
    """DG15: the active-authentication public key (SubjectPublicKeyInfo, RSA or EC)."""

    algorithm: str
    key_size: int
    curve: str | None
    spki: bytes
    tolerated: tuple[str, ...] = field(default=())


def parse_dg15(data: bytes, *, strict: bool = True) -> DG15:
    """Parse DG15 (tag ``6F``)."""
    mode = Strictness(strict)
    outer = unwrap(data, DG_TAGS[15], where="DG15", mode=mode)
    try:
        spki = keys.PublicKeyInfo.load(outer.value, strict=True)
        algorithm = str(spki["algorithm"]["algorithm"].native)
        if algorithm == "rsa":
            size = int(spki["public_key"].parsed["modulus"].native).bit_length()
            curve = None
        elif algorithm == "ec":
            curve = curve_name(spki)
            size = (len(bytes(spki["public_key"].native)) - 1) * 4
        else:
            raise ParseError(
                "active-authentication key algorithm not supported",
                where="DG15",
                expected="rsa or ec",
                found=algorithm,
            )
    except EPassportError:
        raise
    except ASN1_ERRORS as exc:
        raise ParseError(f"malformed SubjectPublicKeyInfo ({exc})", where="DG15") from None
    return DG15(algorithm, size, curve, bytes(outer.value), tuple(mode.tolerated))


def parse_data_group(number: int, data: bytes, *, strict: bool = True) -> object:
    """Parse data group ``number`` with its parser; groups without one are only checked for their outer tag."""
    parsers = {1: parse_dg1, 2: parse_dg2, 11: parse_dg11, 12: parse_dg12, 14: parse_dg14, 15: parse_dg15}
    parser = parsers.get(number)
    if parser is not None:
        return parser(data, strict=strict)
    if number not in DG_TAGS:
        raise ParseError("no such data group", where="data group", expected="1..16", found=number)
    return unwrap(data, DG_TAGS[number], where=f"DG{number}", mode=Strictness(strict))
