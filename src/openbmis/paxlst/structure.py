"""The segment table of the PAXLST message and an order checker that names what is out of place.

The table is the UN/EDIFACT PAXLST branching diagram (segment groups 1 to 7) as it stands in D.02B
to D.24A; the releases read here differ in code lists, not in the order of segments. The checker walks
the segments once, keeps a stack of open groups, and reports missing mandatory segments, segments
repeated beyond their maximum, and segments not expected where they stand (which it then skips).
Each accepted segment is labelled with the group it belongs to and the instance of that group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Issue
from .syntax import Segment


@dataclass(frozen=True, slots=True)
class Seg:
    tag: str
    max: int = 1
    required: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    max: int
    required: bool
    entries: tuple[Seg | Group, ...] = field(default_factory=tuple)

    @property
    def trigger(self) -> str:
        first = self.entries[0]
        assert isinstance(first, Seg)
        return first.tag


Entry = Seg | Group

PAXLST = Group(
    "message",
    1,
    True,
    (
        Seg("UNH", 1, True),
        Seg("BGM", 1, True),
        Seg("RFF", 1),
        Seg("DTM", 9),
        Seg("LOC", 9),
        Group("SG1", 5, False, (Seg("NAD", 1, True), Seg("CTA", 1), Seg("COM", 9))),
        Group(
            "SG2",
            10,
            True,
            (
                Seg("TDT", 1, True),
                Seg("DTM", 1),
                Group("SG3", 99, False, (Seg("LOC", 1, True), Seg("DTM", 5))),
            ),
        ),
        Group(
            "SG4",
            99999,
            False,
            (
                Seg("NAD", 1, True),
                Seg("ATT", 9),
                Seg("DTM", 9),
                Seg("MEA", 9),
                Seg("GEI", 5),
                Seg("FTX", 99),
                Seg("LOC", 25),
                Seg("COM", 1),
                Seg("EMP", 9),
                Seg("NAT", 9),
                Seg("RFF", 99999),
                Group(
                    "SG5",
                    5,
                    False,
                    (
                        Seg("DOC", 1, True),
                        Seg("DTM", 5),
                        Seg("GEI", 9),
                        Seg("RFF", 9),
                        Seg("LOC", 2),
                        Seg("CPI", 1),
                        Seg("QTY", 9),
                    ),
                ),
                Group("SG6", 99, False, (Seg("GID", 1, True), Seg("FTX", 9), Seg("QTY", 9))),
                Group("SG7", 1, False, (Seg("TDT", 1, True), Seg("FTX", 1))),
            ),
        ),
        Seg("CNT", 1),
        Seg("AUT", 1),
        Seg("UNT", 1, True),
    ),
)


@dataclass(slots=True)
class _Frame:
    group: Group
    instance: int
    index: int = 0
    count: int = 0
    tags: tuple[str, ...] = ()


_TAGS: dict[int, tuple[str, ...]] = {}
_REQUIRED: dict[int, tuple[bool, ...]] = {}


def _frame(group: Group, instance: int, index: int = 0, count: int = 0) -> _Frame:
    tags = _TAGS.get(id(group))
    if tags is None:
        tags = _TAGS[id(group)] = tuple(e.tag if isinstance(e, Seg) else e.trigger for e in group.entries)
        _REQUIRED[id(group)] = tuple(e.required for e in group.entries)
    return _Frame(group, instance, index, count, tags)


@dataclass(frozen=True, slots=True)
class Placed:
    """A segment accepted by the checker: the innermost group and its instance (from 1)."""

    segment: Segment
    group: str
    instance: int



def _name(entry: Entry) -> str:
    return entry.tag if isinstance(entry, Seg) else f"{entry.name} ({entry.trigger})"


def _missing(frame: _Frame, start: int, stop: int, at: Segment | None, issues: list[Issue]) -> None:
    """Report required entries of ``frame`` in [start, stop) never seen (the one at index if count 0)."""
    if not any(_REQUIRED[id(frame.group)][start:stop]):
        return
    for i in range(start, stop):
        entry = frame.group.entries[i]
        if not entry.required:
            continue
        if i == frame.index and frame.count:
            continue
        if i > frame.index or (i == frame.index and not frame.count):
            where = f" of {frame.group.name}" if frame.group.name != "message" else ""
            issues.append(
                Issue(
                    at.position if at else None,
                    entry.tag if isinstance(entry, Seg) else entry.trigger,
                    None,
                    f"mandatory {_name(entry)}{where} is missing"
                    + (f" before {at.tag}" if at else " at the end of the message"),
                    "missing_segment",
                )
            )


def check(segments: list[Segment], schema: Group = PAXLST) -> tuple[list[Placed], list[Issue]]:
    """Check the order of one message's segments (UNH to UNT); label those that fit."""
    issues: list[Issue] = []
    placed: list[Placed] = []
    stack: list[_Frame] = [_frame(schema, 1)]
    instances: dict[str, int] = {}
    for seg in segments:
        tag = seg.tag
        depth = len(stack) - 1
        found = False
        while depth >= 0:
            frame = stack[depth]
            entries = frame.group.entries
            tags = frame.tags
            # a group's trigger never repeats inside one instance: it opens the next instance
            try:
                i = tags.index(tag, frame.index + (1 if frame.index == 0 and frame.count else 0))
            except ValueError:
                i = -1
            if i >= 0:
                entry = entries[i]
                # close the frames above this one
                for inner in reversed(stack[depth + 1 :]):
                    _missing(inner, inner.index, len(inner.group.entries), seg, issues)
                del stack[depth + 1 :]
                if i != frame.index:
                    _missing(frame, frame.index, i, seg, issues)
                    frame.index, frame.count = i, 0
                frame.count += 1
                if frame.count > entry.max:
                    what = f"{tag} segments" if isinstance(entry, Seg) else f"{entry.name} groups"
                    issues.append(
                        Issue(seg.position, tag, None, f"more than {entry.max} {what} here", "too_many")
                    )
                if isinstance(entry, Group):
                    instances[entry.name] = instances.get(entry.name, 0) + 1
                    stack.append(_frame(entry, instances[entry.name], 0, 1))
                top = stack[-1]
                placed.append(Placed(seg, top.group.name, top.instance))
                found = True
                break
            depth -= 1
        if not found:
            issues.append(
                Issue(
                    seg.position,
                    tag,
                    None,
                    f"segment {tag} is not expected here ({'after ' + placed[-1].segment.tag if placed else 'first'}"
                    f", in {stack[-1].group.name})",
                    "unexpected_segment",
                )
            )
    for frame in reversed(stack):
        _missing(frame, frame.index, len(frame.group.entries), None, issues)
    return placed, issues
