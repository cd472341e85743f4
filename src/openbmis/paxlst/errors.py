"""The error types of :mod:`openbmis.paxlst`.

A reader never raises anything but :class:`PaxlstError`: input that cannot be read as an EDIFACT
interchange at all (empty, not EDIFACT, the legacy US CEDIPAX syntax) raises it; everything else is
reported as :class:`Issue` values beside what could be read, each naming the segment position, the tag
and the element it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NotRequired, TypedDict


class IssueRecord(TypedDict):
    """An :class:`Issue` as JSON: kept with a stored manifest and returned by the API."""

    segment: int | None
    tag: str | None
    element: int | None
    message: str
    code: str
    component: NotRequired[int]


@dataclass(frozen=True, slots=True)
class Issue:
    """One error found while reading an interchange.

    ``segment`` is the position of the segment in the interchange, counted from 1 at the first segment
    after the UNA service string advice (UNA itself is not counted); ``element`` is the position of the
    data element after the tag, from 1 (``None`` when the whole segment is concerned); ``component`` the
    position inside a composite element, from 1, when it matters.
    """

    segment: int | None
    tag: str | None
    element: int | None
    message: str
    code: str = "invalid"
    component: int | None = None

    def to_dict(self) -> IssueRecord:
        out: IssueRecord = {
            "segment": self.segment,
            "tag": self.tag,
            "element": self.element,
            "message": self.message,
            "code": self.code,
        }
        if self.component is not None:
            out["component"] = self.component
        return out


class PaxlstError(ValueError):
    """The input cannot be read as a UN/EDIFACT PAXLST interchange at all."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "unreadable",
        segment: int | None = None,
        tag: str | None = None,
        element: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.segment = segment
        self.tag = tag
        self.element = element

    @property
    def issue(self) -> Issue:
        return Issue(self.segment, self.tag, self.element, self.message, self.code)

    def to_dict(self) -> IssueRecord:
        return self.issue.to_dict()
