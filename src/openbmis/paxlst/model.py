"""What a PAXLST interchange says: messages, flight legs, persons, documents (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import Issue

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


@dataclass(slots=True)
class Document:
    type: str = ""
    number: str = ""
    issuing_state: str | None = None
    expiry_date: str | None = None
    issue_date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "number": self.number,
            "issuing_state": self.issuing_state,
            "expiry_date": self.expiry_date,
            "issue_date": self.issue_date,
        }


@dataclass(slots=True)
class Bags:
    count: int | None = None
    weight: float | None = None
    tags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "weight": self.weight, "tags": list(self.tags)}


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

    def to_dict(self) -> dict[str, Any]:
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


@dataclass(slots=True)
class Leg:
    flight: str = ""
    carrier: str = ""
    origin: str | None = None
    destination: str | None = None
    departure: str | None = None
    arrival: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "flight": self.flight,
            "carrier": self.carrier,
            "origin": self.origin,
            "destination": self.destination,
            "departure": self.departure,
            "arrival": self.arrival,
        }


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

    def to_dict(self) -> dict[str, Any]:
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

    def to_dict(self) -> dict[str, Any]:
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
