"""UN/EDIFACT syntax (ISO 9735): service string advice, release character, segments and elements.

The tokenizer is written here rather than taken from pydifact so that every segment keeps its position
and character offset for error reports, and so that the common case (no release character in the
text) is a handful of ``str.split`` calls: a 500-passenger manifest tokenizes in a few milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import PaxlstError

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}\Z")
_SPACE = frozenset("\r\n\t ")


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The service characters of an interchange (the UNA segment, or the defaults of ISO 9735)."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    reserved: str = " "
    segment: str = "'"

    def una(self) -> str:
        return (
            "UNA"
            + self.component
            + self.element
            + self.decimal
            + self.release
            + self.reserved
            + self.segment
        )

    def escape(self, value: str) -> str:
        """``value`` with every service character preceded by the release character."""
        rel = self.release
        if not rel:
            return value
        specials = (rel, self.component, self.element, self.segment)
        if not any(ch in value for ch in specials):
            return value
        return "".join(rel + ch if ch in specials else ch for ch in value)


DEFAULT = Delimiters()


@dataclass(frozen=True, slots=True)
class Segment:
    """A segment: its tag, its data elements (each a list of components), position and offset.

    ``elements`` excludes the tag; ``elements[0]`` is element 1.
    """

    position: int
    tag: str
    elements: tuple[tuple[str, ...], ...]
    offset: int

    def value(self, element: int, component: int = 1) -> str:
        """The text of ``element`` (from 1), component ``component`` (from 1); '' when absent."""
        if element < 1 or element > len(self.elements):
            return ""
        comps = self.elements[element - 1]
        if component < 1 or component > len(comps):
            return ""
        return comps[component - 1]

    def has(self, element: int) -> bool:
        return element <= len(self.elements) and any(self.elements[element - 1])


def _split(text: str, sep: str, rel: str) -> list[str]:
    """Split ``text`` at every ``sep`` not preceded by the release character (escapes are kept)."""
    if not rel or rel not in text:
        return text.split(sep)
    parts: list[str] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == rel:
            i += 2
            continue
        if ch == sep:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _unescape(text: str, rel: str) -> str:
    if not rel or rel not in text:
        return text
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == rel and i + 1 < n:
            out.append(text[i + 1])
            i += 2
            continue
        if ch != rel:
            out.append(ch)
        i += 1
    return "".join(out)


def read_delimiters(text: str) -> tuple[Delimiters, int, bool]:
    """The delimiters of ``text``, the offset where segments start, and whether a UNA was present."""
    if text.startswith("UNA"):
        if len(text) < 9:
            raise PaxlstError("the UNA service string advice is shorter than 9 characters", tag="UNA")
        chars = text[3:9]
        delims = Delimiters(*chars)
        used = [delims.component, delims.element, delims.release, delims.segment]
        if len(set(used)) != len(used):
            raise PaxlstError(
                "the UNA service string advice uses one character for two roles", code="una", tag="UNA"
            )
        if any(ch.isalnum() for ch in used):
            raise PaxlstError("the UNA service string advice names a letter or digit", code="una", tag="UNA")
        return delims, 9, True
    return DEFAULT, 0, False


def tokenize(text: str) -> tuple[Delimiters, bool, list[Segment], str]:
    """Segments of an interchange: delimiters, UNA present, segments, and any unterminated tail.

    Raises :class:`PaxlstError` only for a malformed UNA. Segment tags are not checked here.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    delims, start, una = read_delimiters(stripped)
    rel = delims.release if delims.release != " " else ""
    body = stripped[start:]
    raw_segments = _split(body, delims.segment, rel)
    tail = raw_segments.pop() if raw_segments else ""
    segments: list[Segment] = []
    append = segments.append
    offset = lead + start
    position = 0
    esep, csep = delims.element, delims.component
    fast = not rel or rel not in body
    for raw in raw_segments:
        seg_offset = offset
        offset += len(raw) + 1
        content = raw
        if raw[:1] in _SPACE:
            content = raw.lstrip("\r\n\t ")
            seg_offset += len(raw) - len(content)
            if not content:
                continue
        elif not raw:
            continue
        position += 1
        if fast:
            fields = content.split(esep)
            tag = fields[0].split(csep)[0]
            elements = tuple([tuple(f.split(csep)) for f in fields[1:]])
        else:
            fields = _split(content, esep, rel)
            tag = _unescape(_split(fields[0], csep, rel)[0], rel)
            elements = tuple([tuple([_unescape(c, rel) for c in _split(f, csep, rel)]) for f in fields[1:]])
        append(Segment(position, tag, elements, seg_offset))
    return delims, una, segments, tail.strip()


def valid_tag(tag: str) -> bool:
    return bool(_TAG.match(tag))


def render(tag: str, elements: list[list[str] | str], delims: Delimiters = DEFAULT) -> str:
    """One segment as text, trailing empty elements and components dropped, terminator included."""
    parts: list[str] = []
    for element in elements:
        comps = [element] if isinstance(element, str) else list(element)
        while comps and comps[-1] == "":
            comps.pop()
        parts.append(delims.component.join(delims.escape(c) for c in comps))
    while parts and parts[-1] == "":
        parts.pop()
    return delims.element.join([tag, *parts]) + delims.segment
