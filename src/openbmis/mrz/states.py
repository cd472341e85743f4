"""Issuing State and nationality codes, ICAO Doc 9303 Part 3 section 5.

The list ships as package data (``state_codes.txt``, tab-separated, shipped by the ``*.txt`` package-data rule): the ISO 3166-1 alpha-3 codes and the
additions that Doc 9303 Part 3 makes to them: ``D`` (Germany), the British nationality codes
``GBD``/``GBN``/``GBO``/``GBP``/``GBS``, ``RKS``, ``EUE``, the United Nations codes ``UNO``/``UNA``/``UNK``,
the codes of other issuing organisations (``XBA``, ``XIM``, ``XCC``, ``XCE``, ``XCO``, ``XEC``, ``XPO``,
``XES``, ``XOM``, ``XDC``), the codes for persons without a defined nationality (``XXA``, ``XXB``, ``XXC``,
``XXX``), the deprecated ``ANT`` and ``NTZ``, and ``UTO`` (Utopia), which appears only on ICAO specimens.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Literal, cast

StateCategory = Literal["iso3166", "icao", "deprecated", "specimen"]
SPECIMEN_CODE = "UTO"


@dataclass(frozen=True, slots=True)
class State:
    """One entry of the code list."""

    code: str
    name: str
    category: StateCategory

    @property
    def is_specimen(self) -> bool:
        return self.category == "specimen"

    @property
    def is_deprecated(self) -> bool:
        return self.category == "deprecated"


@cache
def states() -> MappingProxyType[str, State]:
    """Every code of the list, keyed by its MRZ form (``"D"``, ``"UTO"``, ``"GBR"``)."""
    text = resources.files("openbmis.mrz").joinpath("state_codes.txt").read_text(encoding="utf-8")
    table: dict[str, State] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, name, category = line.split("\t")
        table[code] = State(code, name, cast(StateCategory, category))
    return MappingProxyType(table)


def lookup_state(code: str) -> State | None:
    """The entry for ``code`` (fillers ignored: ``"D<<"`` is ``"D"``), or ``None`` when unknown."""
    return states().get(code.strip().rstrip("<"))


# Nationality codes that go with an issuer code although they differ from it: Germany writes D for
# both; the British family shares GBR as issuer; refugee and stateless documents state no nationality.
_ISSUER_NATIONALITY_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"D", "DEU"}),
    frozenset({"GBR", "GBD", "GBN", "GBO", "GBP", "GBS"}),
)
STATELESS_OR_REFUGEE = frozenset({"XXA", "XXB", "XXC", "XXX"})
ORGANISATIONS = frozenset(
    {"EUE", "UNO", "UNA", "UNK", "XBA", "XIM", "XCC", "XCE", "XCO", "XEC", "XPO", "XES", "XOM", "XDC"}
)


# Each code of a family mapped to its family: one dict lookup per code instead of a scan of the families.
_FAMILY_OF: dict[str, frozenset[str]] = {
    code: family for family in _ISSUER_NATIONALITY_FAMILIES for code in family
}


def same_state_family(issuer: str, nationality: str) -> bool:
    """Whether a document of ``issuer`` naturally carries ``nationality`` (equal or same family)."""
    if issuer == nationality:
        return True
    family = _FAMILY_OF.get(issuer)
    return family is not None and nationality in family
