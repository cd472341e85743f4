"""BER-TLV reading for LDS files (ISO/IEC 7816-4 tags, definite lengths), with strict and relaxed modes.

Doc 9303 Part 10 wraps every elementary file in an application tag (``60`` EF.COM, ``61`` DG1, ``77`` EF.SOD...)
with BER-TLV definite lengths.  Strict mode refuses what the specification refuses; relaxed mode keeps going and
records each tolerated defect in :class:`Strictness.tolerated`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import BadLength, BadTag, ParseError, TrailingData, TruncatedData


@dataclass(slots=True)
class Strictness:
    """Parsing mode: ``strict`` raises on any defect; relaxed records the defect in ``tolerated`` and goes on."""

    strict: bool = True
    tolerated: list[str] = field(default_factory=list)

    def tolerate(self, error: ParseError) -> None:
        """Raise ``error`` in strict mode; otherwise note it as tolerated."""
        if self.strict:
            raise error
        self.tolerated.append(str(error))


@dataclass(frozen=True, slots=True)
class Tlv:
    """One BER-TLV element: ``tag`` is the whole tag as an integer (``0x5F1F``), ``value`` its contents."""

    tag: int
    constructed: bool
    value: bytes
    offset: int
    end: int


def _read_tag(data: bytes, pos: int, where: str) -> tuple[int, bool, int]:
    if pos >= len(data):
        raise TruncatedData("no tag", where=where, found=f"end of data at offset {pos}")
    first = data[pos]
    constructed = bool(first & 0x20)
    tag = first
    pos += 1
    if first & 0x1F == 0x1F:
        for count in range(4):
            if pos >= len(data):
                raise TruncatedData("multi-byte tag runs past end of data", where=where)
            b = data[pos]
            tag = (tag << 8) | b
            pos += 1
            if not b & 0x80:
                break
            if count == 3:
                raise BadTag("tag longer than 4 bytes", where=where)
    return tag, constructed, pos


def _read_length(data: bytes, pos: int, where: str, mode: Strictness) -> tuple[int, int]:
    if pos >= len(data):
        raise TruncatedData("no length", where=where, found=f"end of data at offset {pos}")
    first = data[pos]
    pos += 1
    if first < 0x80:
        return first, pos
    n = first & 0x7F
    if n == 0:
        raise BadLength("indefinite length is not allowed in LDS files", where=where, found="0x80")
    if n > 4:
        raise BadLength("length field longer than 4 bytes", where=where, found=n)
    if pos + n > len(data):
        raise TruncatedData("length field runs past end of data", where=where)
    length = int.from_bytes(data[pos : pos + n], "big")
    if length < 0x80 or data[pos] == 0:
        mode.tolerate(
            BadLength("length is not minimally encoded", where=where, found=f"{n}-byte length {length}")
        )
    return length, pos + n


def read_tlv(data: bytes, pos: int = 0, *, where: str = "TLV", mode: Strictness | None = None) -> Tlv:
    """Read the TLV starting at ``pos``; raise :class:`TruncatedData` if its value runs past the data."""
    mode = mode if mode is not None else Strictness()
    start = pos
    tag, constructed, pos = _read_tag(data, pos, where)
    length, pos = _read_length(data, pos, where, mode)
    if pos + length > len(data):
        raise TruncatedData(
            f"value of tag {tag:X} runs past end of data",
            where=where,
            expected=f"{length} bytes",
            found=f"{len(data) - pos} bytes",
        )
    return Tlv(tag, constructed, bytes(data[pos : pos + length]), start, pos + length)


def read_children(data: bytes, *, where: str, mode: Strictness | None = None) -> list[Tlv]:
    """Read consecutive TLVs filling ``data`` exactly."""
    out: list[Tlv] = []
    pos = 0
    while pos < len(data):
        item = read_tlv(data, pos, where=where, mode=mode)
        out.append(item)
        pos = item.end
    return out


def unwrap(data: bytes, tag: int, *, where: str, mode: Strictness | None = None) -> Tlv:
    """Read the single outer TLV of a file, check its tag, and refuse (or, relaxed, note) trailing bytes."""
    mode = mode if mode is not None else Strictness()
    item = read_tlv(data, 0, where=where, mode=mode)
    if item.tag != tag:
        raise BadTag("wrong outer tag", where=where, expected=f"{tag:02X}", found=f"{item.tag:02X}")
    if item.end != len(data):
        mode.tolerate(
            TrailingData(
                "bytes after the end of the outer TLV", where=where, expected=0, found=len(data) - item.end
            )
        )
    return item


def encode_length(length: int) -> bytes:
    """DER length octets."""
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode_tlv(tag: int, value: bytes) -> bytes:
    """Encode one TLV with a definite, minimal length."""
    tag_bytes = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    return tag_bytes + encode_length(len(value)) + value
