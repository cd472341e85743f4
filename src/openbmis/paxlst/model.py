"""What a PAXLST interchange says: messages, flight legs, persons, documents (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from .errors import Issue, IssueRecord

#: BGM document name codes (UNTDID 1001 as used by the WCO/IATA/ICAO API guidelines).
KIND_BY_CODE = {"745": "passengers", "250": "crew"}
CODE_BY_KIND = {"passengers": "745", "crew": "250"}

#: NAD party function codes of persons (SG4) and the role they give.
ROLE_BY_PARTY = {
    "FL": ("passenger", False),
    "DDU": ("passenger", True),
    "FM": ("crew", False),
    "DDT": ("crew", True),
    "COT": ("crew", False),
    "VW": ("crew", False),
}


class DocumentRecord(TypedDict):
    """A :class:`Document` as JSON (inside a :class:`PersonRecord`)."""

    type: str
    number: str
    issuing_state: str | None
    expiry_date: str | None
    issue_date: str | None


@dataclass(slots=True)
class Document:
    type: str = ""
    number: str = ""
    issuing_state: str | None = None
    expiry_date: str | None = None
    issue_date: str | None = None

    def to_dict(self) -> DocumentRecord:
        return {
            "type": self.type,
            "number": self.number,
            "issuing_state": self.issuing_state,
            "expiry_date": self.expiry_date,
            "issue_date": self.issue_date,
        }


class BagsRecord(TypedDict):
    """:class:`Bags` as JSON (inside a :class:`PersonRecord`)."""

    count: int | None
    weight: float | None
    tags: list[str]


@dataclass(slots=True)
class Bags:
    count: int | None = None
    weight: float | None = None
    tags: list[str] = field(default_factory=list)

    def to_dict(self) -> BagsRecord:
        return {"count": self.count, "weight": self.weight, "tags": list(self.tags)}


class PersonRecord(TypedDict):
    """A :class:`Person` as JSON: kept with a stored manifest person and returned by the API."""

    role: str
    party_code: str
    in_transit: bool
    surname: str
    given_names: str
    sex: str | None
    birth_date: str | None
    nationality: str | None
    embarkation: str | None
    debarkation: str | None
    first_arrival: str | None
    residence: str | None
    birth_place: str | None
    address: str | None
    employment: str | None
    documents: list[DocumentRecord]
    bags: BagsRecord | None
    reservation: str | None
    seat: str | None
    references: dict[str, str]
    segment: int | None


@dataclass(slots=True)
class Person:
    role: str = "passenger"
    party_code: str = "FL"
    in_transit: bool = False
    surname: str = ""
    given_names: str = ""
    sex: str | None = None
    birth_date: str | None = None
    nationality: str | None = None
    embarkation: str | None = None
    debarkation: str | None = None
    first_arrival: str | None = None
    residence: str | None = None
    birth_place: str | None = None
    address: str | None = None
    employment: str | None = None  # EMP employment category (crew: CR1 cockpit, CR2 cabin, ...)
    documents: list[Document] = field(default_factory=list)
    bags: Bags | None = None
    reservation: str | None = None
    seat: str | None = None
    references: dict[str, str] = field(default_factory=dict)
    segment: int | None = None

    def to_dict(self) -> PersonRecord:
        return {
            "role": self.role,
            "party_code": self.party_code,
            "in_transit": self.in_transit,
            "surname": self.surname,
            "given_names": self.given_names,
            "sex": self.sex,
            "birth_date": self.birth_date,
            "nationality": self.nationality,
            "embarkation": self.embarkation,
            "debarkation": self.debarkation,
            "first_arrival": self.first_arrival,
            "residence": self.residence,
            "birth_place": self.birth_place,
            "address": self.address,
            "employment": self.employment,
            "documents": [d.to_dict() for d in self.documents],
            "bags": self.bags.to_dict() if self.bags else None,
            "reservation": self.reservation,
            "seat": self.seat,
            "references": dict(self.references),
            "segment": self.segment,
        }


class LegRecord(TypedDict):
    """A :class:`Leg` as JSON: kept with a stored manifest and returned by the API."""

    flight: str
    carrier: str
    origin: str | None
    destination: str | None
    departure: str | None
    arrival: str | None


@dataclass(slots=True)
class Leg:
    flight: str = ""
    carrier: str = ""
    origin: str | None = None
    destination: str | None = None
    departure: str | None = None
    arrival: str | None = None

    def to_dict(self) -> LegRecord:
        return {
            "flight": self.flight,
            "carrier": self.carrier,
            "origin": self.origin,
            "destination": self.destination,
            "departure": self.departure,
            "arrival": self.arrival,
        }


class MessageRecord(TypedDict):
    """A :class:`Message` as JSON (inside an :class:`InterchangeRecord`)."""

    reference: str
    version: str
    kind: str
    document_code: str
    document_id: str
    function: str
    function_code: str
    carrier: str
    flight: str
    legs: list[LegRecord]
    persons: list[PersonRecord]
    declared_count: int | None
    reporting_party: str | None
    group_reference: str | None
    valid: bool


@dataclass(slots=True)
class Message:
    reference: str = ""
    version: str = ""
    kind: str = "passengers"
    document_code: str = ""
    document_id: str = ""
    function: str = "new"
    function_code: str = ""
    carrier: str = ""
    flight: str = ""
    legs: list[Leg] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    declared_count: int | None = None
    reporting_party: str | None = None
    group_reference: str | None = None
    first_segment: int = 0
    last_segment: int = 0
    valid: bool = True

    def to_dict(self) -> MessageRecord:
        return {
            "reference": self.reference,
            "version": self.version,
            "kind": self.kind,
            "document_code": self.document_code,
            "document_id": self.document_id,
            "function": self.function,
            "function_code": self.function_code,
            "carrier": self.carrier,
            "flight": self.flight,
            "legs": [leg.to_dict() for leg in self.legs],
            "persons": [p.to_dict() for p in self.persons],
            "declared_count": self.declared_count,
            "reporting_party": self.reporting_party,
            "group_reference": self.group_reference,
            "valid": self.valid,
        }

    @property
    def arrival_leg(self) -> Leg | None:
        """The leg that arrives in the receiving state: the first with a destination, else the last."""
        for leg in self.legs:
            if leg.destination and leg.arrival:
                return leg
        return self.legs[-1] if self.legs else None


class InterchangeHeaderRecord(TypedDict):
    """The interchange header (UNB) as JSON (inside an :class:`InterchangeRecord`)."""

    syntax: str
    syntax_version: str
    sender: str
    recipient: str
    reference: str
    prepared: str | None
    application: str


class InterchangeRecord(TypedDict):
    """An :class:`Interchange` as JSON: the output of ``openbmis paxlst``."""

    interchange: InterchangeHeaderRecord
    valid: bool
    messages: list[MessageRecord]
    errors: list[IssueRecord]


@dataclass(slots=True)
class Interchange:
    syntax: str = ""
    syntax_version: str = ""
    sender: str = ""
    recipient: str = ""
    reference: str = ""
    prepared: str | None = None
    application: str = ""
    messages: list[Message] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> InterchangeRecord:
        return {
            "interchange": {
                "syntax": self.syntax,
                "syntax_version": self.syntax_version,
                "sender": self.sender,
                "recipient": self.recipient,
                "reference": self.reference,
                "prepared": self.prepared,
                "application": self.application,
            },
            "valid": self.valid,
            "messages": [m.to_dict() for m in self.messages],
            "errors": [e.to_dict() for e in self.errors],
        }
