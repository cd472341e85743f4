"""The fields of a travel document as read from its MRZ or typed by hand: what the counter, the pre-arrival
screening and the identity resolution hand each other (a typed seam, issue 21)."""

from __future__ import annotations

from datetime import date
from typing import NotRequired, TypedDict


class DocumentFields(TypedDict):
    """One document's fields: codes as ICAO Doc 9303 writes them, names upper case, days as dates."""

    document_code: str
    issuing_state: str
    document_number: str
    primary_identifier: str
    secondary_identifier: str
    nationality: str
    birth_date: date | None
    sex: str
    expiry_date: date | None
    national_name: NotRequired[str]  # the holder's name in their own script, typed by the officer
