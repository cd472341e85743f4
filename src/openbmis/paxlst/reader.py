"""Read a UN/EDIFACT interchange of PAXLST messages: envelopes, message structure, content.

:func:`parse` never raises anything but :class:`~openbmis.paxlst.errors.PaxlstError`, and only for
input that is no EDIFACT interchange at all (or the legacy US CEDIPAX syntax, refused as unsupported).
Everything else is read as far as it goes and every problem is reported as an
:class:`~openbmis.paxlst.errors.Issue` naming the segment position, tag and element.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from . import structure
from .errors import Issue, PaxlstError
from .model import KIND_BY_CODE, ROLE_BY_PARTY, Bags, Document, Interchange, Leg, Message, Person
from .syntax import Segment, tokenize, valid_tag

SUPPORTED_RELEASES = ("02B", "03B", "05B", "12B", "15B")
_CANCEL_IDS = {"XR", "XRP"}
_CHANGE_IDS = {"CP", "RP", "CPP"}
_LOC_ALPHA = re.compile(r"[A-Z0-9]{2,5}\Z")
_DIGITS = re.compile(r"\d+\Z")


def _as_text(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    for encoding in ("utf-8", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1", errors="replace")  # pragma: no cover - latin-1 decodes every byte


class _Dates:
    """Dates of DTM segments (UNTDID 2379 formats 101, 102, 201, 203, 204), two-digit years windowed."""

    def __init__(self, reference: date) -> None:
        self.reference = reference

    def _year(self, yy: int, past_only: bool) -> int:
        ref = self.reference.year
        century = ref - ref % 100
        year = century + yy
        if past_only:
            return year - 100 if year > ref else year
        if year > ref + 50:
            return year - 100
        if year < ref - 50:
            return year + 100
        return year

    def parse(self, text: str, fmt: str, *, past_only: bool = False) -> str:
        """ISO date (``YYYY-MM-DD``) or date-time (``YYYY-MM-DDTHH:MM``); raises ValueError."""
        if not fmt:
            fmt = {6: "101", 8: "102", 10: "201", 12: "203", 14: "204"}.get(len(text), "")
        lengths = {"101": 6, "102": 8, "201": 10, "203": 12, "204": 14}
        if fmt not in lengths:
            raise ValueError(f"date format {fmt or '?'} is not supported")
        if len(text) != lengths[fmt] or not text.isdigit():
            raise ValueError(f"{text!r} is not a date in format {fmt}")
        if fmt in ("101", "201"):
            year, rest = self._year(int(text[:2]), past_only), text[2:]
        else:
            year, rest = int(text[:4]), text[4:]
        month, day = int(rest[0:2]), int(rest[2:4])
        if fmt in ("101", "102"):
            return date(year, month, day).isoformat()
        hour, minute = int(rest[4:6]), int(rest[6:8])
        return datetime(year, month, day, hour, minute).strftime("%Y-%m-%dT%H:%M")


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.issues: list[Issue] = []
        self.result = Interchange()
        self.repetition = ""

    def issue(
        self,
        seg: Segment | None,
        message: str,
        *,
        element: int | None = None,
        component: int | None = None,
        code: str = "invalid",
        tag: str | None = None,
    ) -> None:
        self.issues.append(
            Issue(
                seg.position if seg else None,
                tag if tag is not None else (seg.tag if seg else None),
                element,
                message,
                code,
                component,
            )
        )

    # --- envelope -------------------------------------------------------------------------------
    def run(self) -> Interchange:
        if not self.text.strip():
            raise PaxlstError("the input is empty", code="empty")
        delims, una, segments, tail = tokenize(self.text)
        if tail:
            pos = len(segments) + 1
            raise_if_first = not segments
            if raise_if_first:
                raise PaxlstError("no EDIFACT segment terminator found: not an EDIFACT interchange")
            self.issues.append(
                Issue(pos, None, None, "text after the last segment terminator (unterminated segment)", "syntax")
            )
        good: list[Segment] = []
        for seg in segments:
            if valid_tag(seg.tag):
                good.append(seg)
            else:
                self.issue(seg, f"{seg.tag[:10]!r} is not a segment tag", tag="", code="syntax")
        if not good or not any(s.tag in ("UNB", "UNH") for s in good[:3]):
            raise PaxlstError("not a UN/EDIFACT interchange: it does not begin with UNB or UNH", code="not_edifact")
        self._refuse_cedipax(good)
        self.delims, self.una = delims, una
        self._envelope(good, una)
        self.result.errors = sorted(self.issues, key=lambda i: (i.segment or 0))
        for message in self.result.messages:
            message.valid = not any(
                i.segment is not None and message.first_segment <= i.segment <= message.last_segment
                for i in self.issues
            )
        return self.result

    def _refuse_cedipax(self, segments: list[Segment]) -> None:
        for seg in segments[:4]:
            legacy = (seg.tag == "UNB" and seg.value(7).upper() == "CEDIPAX") or (
                seg.tag == "UNH" and seg.value(2, 1) == "PAXLST" and seg.value(2, 2) not in ("D", "")
            )
            if legacy:
                raise PaxlstError(
                    "the legacy US CEDIPAX syntax is not supported: send a UN/EDIFACT PAXLST (D.02B or later)",
                    code="cedipax",
                    segment=seg.position,
                    tag=seg.tag,
                )
        if any(s.tag in ("UNS", "PDT") for s in segments):
            seg = next(s for s in segments if s.tag in ("UNS", "PDT"))
            raise PaxlstError(
                "the legacy US CEDIPAX syntax (UNS/PDT segments) is not supported",
                code="cedipax",
                segment=seg.position,
                tag=seg.tag,
            )

    def _envelope(self, segments: list[Segment], una: bool) -> None:
        res = self.result
        i, n = 0, len(segments)
        unb: Segment | None = None
        if segments[0].tag == "UNB":
            unb = segments[0]
            self._unb(unb)
            i = 1
        else:
            self.issue(segments[0], "the interchange has no UNB header", code="missing_segment", tag="UNB")
        reference_date = date.today()
        if res.prepared:
            reference_date = date.fromisoformat(res.prepared[:10])
        self.dates = _Dates(reference_date)
        groups = 0
        lone_messages = 0
        unz: Segment | None = None
        while i < n:
            seg = segments[i]
            if seg.tag == "UNG":
                groups += 1
                i = self._group(segments, i)
            elif seg.tag == "UNH":
                lone_messages += 1
                i = self._message(segments, i, None)
            elif seg.tag == "UNZ":
                unz = seg
                i += 1
                break
            else:
                self.issue(seg, f"segment {seg.tag} outside any message", code="unexpected_segment")
                i += 1
        if groups and lone_messages:
            self.issue(unz, "the interchange mixes groups (UNG) and messages outside groups", code="envelope")
        for extra in segments[i:]:
            self.issue(extra, "segment after the UNZ trailer", code="unexpected_segment")
        if unz is None:
            self.issue(None, "the interchange has no UNZ trailer", code="missing_segment", tag="UNZ")
            return
        count = groups or lone_messages
        self._count(unz, 1, count, "messages or groups in the interchange")
        if unb is not None and unz.value(2) != unb.value(5):
            self.issue(
                unz,
                f"interchange reference {unz.value(2)!r} does not match UNB's {unb.value(5)!r}",
                element=2,
                code="reference",
            )

    def _count(self, seg: Segment, element: int, actual: int, what: str) -> None:
        raw = seg.value(element)
        if not _DIGITS.match(raw):
            self.issue(seg, f"control count {raw!r} is not a number", element=element, code="count")
        elif int(raw) != actual:
            self.issue(
                seg, f"control count says {int(raw)}, found {actual} {what}", element=element, code="count"
            )

    def _unb(self, seg: Segment) -> None:
        res = self.result
        res.syntax, res.syntax_version = seg.value(1, 1), seg.value(1, 2)
        if not re.match(r"UNO[A-Z]\Z", res.syntax):
            self.issue(seg, f"syntax identifier {res.syntax!r} is not UNOA..UNOZ", element=1, component=1)
        if res.syntax_version not in ("1", "2", "3", "4"):
            self.issue(seg, f"syntax version {res.syntax_version!r} is not 1-4", element=1, component=2)
        res.sender, res.recipient = seg.value(2, 1), seg.value(3, 1)
        if not res.sender:
            self.issue(seg, "the interchange sender is missing", element=2, code="missing_element")
        if not res.recipient:
            self.issue(seg, "the interchange recipient is missing", element=3, code="missing_element")
        d, t = seg.value(4, 1), seg.value(4, 2)
        try:
            stamp = d + t
            res.prepared = _Dates(date.today()).parse(stamp, "201" if len(d) == 6 else "203")
        except (ValueError, OverflowError):
            self.issue(seg, f"preparation date/time {d}:{t} is not valid", element=4, code="date")
        res.reference = seg.value(5)
        if not res.reference:
            self.issue(seg, "the interchange control reference is missing", element=5, code="missing_element")
        res.application = seg.value(7)
        # ISO 9735 version 4 has a repetition separator: the UNA's fifth character, '*' by default
        if self.una:
            self.repetition = self.delims.reserved if self.delims.reserved != " " else ""
        elif res.syntax_version == "4":
            self.repetition = "*"
        if res.syntax in ("UNOA", "UNOB") and not self.text.isascii():
            self.issue(seg, f"characters outside the {res.syntax} repertoire (not ASCII)", element=1, code="charset")

    def _group(self, segments: list[Segment], i: int) -> int:
        ung = segments[i]
        if ung.value(1) not in ("PAXLST", ""):
            self.issue(ung, f"group of {ung.value(1)!r} messages, expected PAXLST", element=1)
        ref = ung.value(5)
        if not ref:
            self.issue(ung, "the group reference is missing", element=5, code="missing_element")
        i += 1
        count = 0
        while i < len(segments):
            seg = segments[i]
            if seg.tag == "UNH":
                count += 1
                i = self._message(segments, i, ref)
            elif seg.tag == "UNE":
                self._count(seg, 1, count, "messages in the group")
                if seg.value(2) != ref:
                    self.issue(
                        seg, f"group reference {seg.value(2)!r} does not match UNG's {ref!r}", element=2, code="reference"
                    )
                return i + 1
            elif seg.tag in ("UNG", "UNZ"):
                break
            else:
                self.issue(seg, f"segment {seg.tag} outside any message", code="unexpected_segment")
                i += 1
        self.issue(ung, "the group is not closed by UNE", code="missing_segment", tag="UNE")
        return i

    def _message(self, segments: list[Segment], i: int, group_ref: str | None) -> int:
        unh = segments[i]
        body: list[Segment] = [unh]
        j = i + 1
        unt: Segment | None = None
        while j < len(segments):
            seg = segments[j]
            if seg.tag == "UNT":
                unt = seg
                body.append(seg)
                j += 1
                break
            if seg.tag in ("UNH", "UNE", "UNZ", "UNG"):
                break
            body.append(seg)
            j += 1
        ref = unh.value(1)
        if not ref:
            self.issue(unh, "the message reference is missing", element=1, code="missing_element")
        mtype, mver, mrel, magency = (unh.value(2, k) for k in (1, 2, 3, 4))
        if unt is None:
            self.issue(body[-1], f"message {ref!r} is not closed by UNT", code="missing_segment", tag="UNT")
        else:
            self._count(unt, 1, len(body), "segments in the message (UNH to UNT)")
            if unt.value(2) != ref:
                self.issue(
                    unt, f"message reference {unt.value(2)!r} does not match UNH's {ref!r}", element=2, code="reference"
                )
        if mtype != "PAXLST":
            self.issue(unh, f"message type {mtype!r} is not supported (PAXLST only)", element=2, component=1, code="unsupported")
            return j
        if mver != "D" or mrel not in SUPPORTED_RELEASES or magency != "UN":
            self.issue(
                unh,
                f"PAXLST {mver}:{mrel}:{magency} is not supported (D:02B, D:03B, D:05B, D:12B, D:15B, agency UN)",
                element=2,
                code="unsupported",
            )
        placed, issues = structure.check(body)
        self.issues.extend(x for x in issues if not (unt is None and x.tag == "UNT"))
        message = Message(
            reference=ref,
            version=f"{mver}{mrel}",
            group_reference=group_ref,
            first_segment=unh.position,
            last_segment=body[-1].position,
        )
        self._content(message, placed)
        self.result.messages.append(message)
        return j

    # --- content --------------------------------------------------------------------------------
    def _date(self, seg: Segment, *, past_only: bool = False) -> str | None:
        qual, text, fmt = seg.value(1, 1), seg.value(1, 2), seg.value(1, 3)
        if not text:
            self.issue(seg, f"DTM {qual} has no date", element=1, component=2, code="missing_element")
            return None
        try:
            return self.dates.parse(text, fmt, past_only=past_only)
        except (ValueError, OverflowError) as error:
            self.issue(seg, f"DTM {qual}: {error}", element=1, component=2 if "format" not in str(error) else 3, code="date")
            return None

    def _first(self, value: str) -> str:
        if self.repetition and self.repetition in value:
            return value.split(self.repetition)[0]
        return value

    def _place(self, seg: Segment) -> str | None:
        code = seg.value(2, 1)
        if not code:
            self.issue(seg, f"LOC {seg.value(1)} names no place", element=2, code="missing_element")
            return None
        if not _LOC_ALPHA.match(code):
            self.issue(seg, f"LOC {seg.value(1)}: {code!r} is not a location code", element=2, code="code")
        return code

    def _content(self, message: Message, placed: list[structure.Placed]) -> None:
        person: Person | None = None
        document: Document | None = None
        leg: Leg | None = None
        stops: dict[int, list[list]] = {}  # per leg: [LOC qualifier, place, DTM qualifier, date]
        for item in placed:
            seg, group, tag = item.segment, item.group, item.segment.tag
            if group == "message":
                if tag == "BGM":
                    self._bgm(message, seg)
                elif tag == "CNT":
                    message.declared_count = self._cnt(seg, message)
            elif group == "SG1" and tag == "NAD":
                message.reporting_party = seg.value(4, 1) or seg.value(2, 1) or None
            elif group == "SG2":
                if tag == "TDT":
                    leg = Leg(flight=seg.value(2), carrier=seg.value(5, 1))
                    if not leg.flight and seg.value(1) == "20":
                        self.issue(seg, "the transport has no journey (flight) number", element=2, code="missing_element")
                    if not leg.carrier:
                        match = re.match(r"([A-Z0-9]{2}[A-Z]?)\d", leg.flight)
                        leg.carrier = leg.flight[:2] if match else ""
                    message.legs.append(leg)
                elif tag == "DTM" and leg is not None:
                    when = self._date(seg)
                    if seg.value(1, 1) in ("132", "232"):
                        leg.arrival = when
                    elif seg.value(1, 1) in ("133", "189"):
                        leg.departure = when
            elif group == "SG3" and leg is not None:
                if tag == "LOC":
                    qual = seg.value(1)
                    if qual not in ("125", "87", "92", "130"):
                        self.issue(seg, f"LOC qualifier {qual!r} is not a flight itinerary place", element=1, code="code")
                    stops.setdefault(id(leg), []).append([qual, self._place(seg), "", None])
                elif tag == "DTM":
                    qual = seg.value(1, 1)
                    if qual not in ("189", "232"):
                        self.issue(seg, f"DTM qualifier {qual!r} is not a departure (189) or arrival (232)", element=1, component=1, code="code")
                    stop = stops[id(leg)][-1]
                    stop[2], stop[3] = qual, self._date(seg)
            elif group == "SG4":
                if tag == "NAD":
                    person = self._nad(seg)
                    document = None
                    message.persons.append(person)
                elif person is not None:
                    self._person_segment(person, seg)
            elif group == "SG5" and person is not None:
                if tag == "DOC":
                    document = Document(type=seg.value(1, 1), number=seg.value(2, 1))
                    if not document.number:
                        self.issue(seg, "the travel document has no number", element=2, code="missing_element")
                    if not document.type:
                        self.issue(seg, "the travel document has no type", element=1, code="missing_element")
                    person.documents.append(document)
                elif document is not None:
                    self._document_segment(document, seg)
        for leg in message.legs:
            _resolve_leg(leg, stops.get(id(leg), []))
        if message.legs:
            message.flight = message.legs[0].flight
            message.carrier = message.legs[0].carrier
        if message.kind == "crew":
            for p in message.persons:
                if p.party_code == "FL":
                    p.role = "passenger"
        if message.declared_count is not None and message.declared_count != len(message.persons):
            cnt = next(x.segment for x in placed if x.segment.tag == "CNT")
            self.issue(
                cnt,
                f"CNT says {message.declared_count} persons, the message lists {len(message.persons)}",
                element=1,
                component=2,
                code="count",
            )

    def _bgm(self, message: Message, seg: Segment) -> None:
        code = seg.value(1, 1)
        message.document_code = code
        message.kind = KIND_BY_CODE.get(code, "other")
        if not code:
            self.issue(seg, "the document name code is missing", element=1, code="missing_element")
        message.document_id = seg.value(2, 1)
        message.function_code = seg.value(3)
        fcode, doc_id = message.function_code, message.document_id.upper()
        if fcode in ("1", "3") or doc_id in _CANCEL_IDS:
            message.function = "cancel"
        elif fcode in ("4", "5") or doc_id in _CHANGE_IDS:
            message.function = "change"
        elif fcode in ("", "9"):
            message.function = "new"
        else:
            self.issue(seg, f"message function code {fcode!r} is not 1, 3, 4, 5 or 9", element=3, code="code")

    def _cnt(self, seg: Segment, message: Message) -> int | None:
        qual, raw = seg.value(1, 1), seg.value(1, 2)
        if qual not in ("41", "42"):
            self.issue(seg, f"CNT qualifier {qual!r} is not 41 (crew) or 42 (passengers)", element=1, component=1, code="code")
        if not _DIGITS.match(raw):
            self.issue(seg, f"CNT value {raw!r} is not a number", element=1, component=2, code="count")
            return None
        return int(raw)

    def _nad(self, seg: Segment) -> Person:
        party = seg.value(1)
        role, transit = ROLE_BY_PARTY.get(party, ("passenger", False))
        if party not in ROLE_BY_PARTY:
            self.issue(seg, f"party function code {party!r} is not a person on board (FL, FM, DDU, DDT...)", element=1, code="code")
        person = Person(role=role, party_code=party, in_transit=transit, segment=seg.position)
        person.surname = seg.value(4, 1)
        person.given_names = " ".join(x for x in (seg.value(4, k) for k in (2, 3, 4, 5)) if x)
        if not person.surname:
            self.issue(seg, "the person has no surname", element=4, component=1, code="missing_element")
        address = [seg.value(5, 1), seg.value(6), seg.value(7, 1), seg.value(8), seg.value(9)]
        person.address = ", ".join(x for x in address if x) or None
        return person

    def _person_segment(self, person: Person, seg: Segment) -> None:
        tag = seg.tag
        if tag == "ATT":
            if seg.value(1) == "2":
                sex = self._first(seg.value(3, 1))
                if sex not in ("M", "F", "U", "X"):
                    self.issue(seg, f"sex {sex!r} is not M, F, U or X", element=3, component=1, code="code")
                person.sex = sex or None
        elif tag == "DTM":
            if seg.value(1, 1) == "329":
                person.birth_date = self._date(seg, past_only=True)
        elif tag == "LOC":
            qual = seg.value(1)
            place = self._place(seg)
            target = {
                "178": "embarkation",
                "179": "debarkation",
                "22": "first_arrival",
                "174": "residence",
                "180": "birth_place",
            }.get(qual)
            if target:
                setattr(person, target, place)
        elif tag == "EMP":
            person.employment = seg.value(2, 1) or seg.value(2, 4) or person.employment
        elif tag == "NAT":
            code = seg.value(2, 1)
            if not re.match(r"[A-Z]{2,3}\Z", code):
                self.issue(seg, f"nationality {code!r} is not a country code", element=2, component=1, code="code")
            person.nationality = code or None
        elif tag == "RFF":
            qual, value = seg.value(1, 1), seg.value(1, 2)
            if qual:
                person.references[qual] = value
            if qual == "AVF":
                person.reservation = value
            elif qual == "SEA":
                person.seat = value
        elif tag == "FTX" and seg.value(1) == "BAG":
            bags = person.bags or Bags()
            tag_id, raw = seg.value(4, 1), seg.value(4, 2) or "1"
            if tag_id:
                bags.tags.append(tag_id)
            if not _DIGITS.match(raw):
                self.issue(seg, f"bag count {raw!r} is not a number", element=4, component=2, code="count")
            elif bags.count is None or len(bags.tags) > 1:
                bags.count = (bags.count or 0) + int(raw)
            person.bags = bags
        elif tag == "MEA":
            qual, unit, raw = seg.value(1), seg.value(3, 1), seg.value(3, 2)
            bags = person.bags or Bags()
            try:
                number = float(raw)
            except ValueError:
                self.issue(seg, f"measure {raw!r} is not a number", element=3, component=2, code="count")
                return
            if qual == "CT":
                bags.count = int(number)
            elif qual == "WT":
                bags.weight = number * (0.45359237 if unit == "LBR" else 1.0)
            person.bags = bags

    def _document_segment(self, document: Document, seg: Segment) -> None:
        if seg.tag == "DTM":
            qual = seg.value(1, 1)
            when = self._date(seg)
            if qual == "36":
                document.expiry_date = when
            elif qual == "182":
                document.issue_date = when
        elif seg.tag == "LOC" and seg.value(1) == "91":
            place = self._place(seg)
            if document.issuing_state is None or seg.value(2, 2) == "162":
                if seg.value(2, 2) != "163":
                    document.issuing_state = place


def _resolve_leg(leg: Leg, stops: list[list]) -> None:
    """Origin, destination and times of a leg from its SG3 places (LOC 125/87/130, or 92 dated 189/232)."""
    undated: list[str] = []
    for qual, place, when_qual, when in stops:
        if when_qual == "189":
            leg.departure = when
        elif when_qual == "232":
            leg.arrival = when
        if qual == "125" or (qual == "92" and when_qual == "189"):
            leg.origin = place
        elif qual in ("87", "130") or (qual == "92" and when_qual == "232"):
            leg.destination = place
        elif qual == "92" and place:
            undated.append(place)
    for place in undated:
        if leg.origin is None:
            leg.origin = place
        elif leg.destination is None:
            leg.destination = place


def parse(data: str | bytes) -> Interchange:
    """Read an interchange; raise :class:`PaxlstError` only when it cannot be read at all."""
    try:
        return _Reader(_as_text(data)).run()
    except PaxlstError:
        raise
    except RecursionError as error:  # pragma: no cover - defensive: nothing here recurses deeply
        raise PaxlstError(f"the interchange could not be read: {error}") from error
