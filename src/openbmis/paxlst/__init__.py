"""UN/EDIFACT PAXLST passenger and crew manifests (advance passenger information, API).

Airlines send a PAXLST interchange before a flight arrives (ICAO Annex 9 standard 9.5; WCO/IATA/ICAO
API Guidelines). This pure library (no Django) reads such interchanges and answers with CUSRES
acknowledgements:

* :func:`parse` reads an interchange (UNA, UNB/UNG/UNH/UNT/UNE/UNZ, several messages, PAXLST D.02B,
  D.03B, D.05B, D.12B, D.15B) into an :class:`Interchange` of :class:`Message` values (flight legs,
  persons, documents, bags), with every problem reported as an :class:`Issue` naming the segment
  position, the tag and the element. Only input that is not EDIFACT at all, or the legacy US CEDIPAX
  syntax, raises :class:`PaxlstError`.
* :func:`write_paxlst` writes messages as an interchange (for carriers' test tools and round trips).
* :func:`write_cusres` writes the CUSRES acknowledgement of a received interchange.
"""

from .errors import Issue, IssueRecord, PaxlstError
from .model import (
    Bags,
    BagsRecord,
    Document,
    DocumentRecord,
    Interchange,
    InterchangeHeaderRecord,
    InterchangeRecord,
    Leg,
    LegRecord,
    Message,
    MessageRecord,
    Person,
    PersonRecord,
)
from .reader import SUPPORTED_RELEASES, parse
from .syntax import Delimiters, Segment, tokenize
from .writer import write_cusres, write_paxlst

__all__ = [
    "SUPPORTED_RELEASES",
    "Bags",
    "BagsRecord",
    "Delimiters",
    "Document",
    "DocumentRecord",
    "Interchange",
    "InterchangeHeaderRecord",
    "InterchangeRecord",
    "Issue",
    "IssueRecord",
    "Leg",
    "LegRecord",
    "Message",
    "MessageRecord",
    "PaxlstError",
    "Person",
    "PersonRecord",
    "Segment",
    "parse",
    "tokenize",
    "write_cusres",
    "write_paxlst",
]
