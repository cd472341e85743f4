"""The default assessment template for a border crossing point, written for OpenBMIS.

The questions are our own wording. Each section names the reference documents it draws on (``sources``):
they say what a post should have or do; the template turns that into questions an assessment team can
answer on a visit. docs/capacity.md explains the scoring.
"""

from __future__ import annotations

from typing import Any

CODE = "openbmis-bcp"
VERSION = 1


def _scale(code: str, text: str, tag: str, anchors: list[str], weight: float = 1, **extra: Any) -> dict[str, Any]:
    return {"code": code, "text": text, "kind": "scale", "tag": tag, "weight": weight, "anchors": anchors, **extra}


def _yes(code: str, text: str, tag: str, weight: float = 1, **extra: Any) -> dict[str, Any]:
    return {"code": code, "text": text, "kind": "yes_no", "tag": tag, "weight": weight, **extra}


def _number(code: str, text: str, tag: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "text": text, "kind": "number", "tag": tag, "weight": 1, **extra}


def _text(code: str, text: str, tag: str) -> dict[str, Any]:
    return {"code": code, "text": text, "kind": "text", "tag": tag, "weight": 0}


def _photo(code: str, text: str, tag: str) -> dict[str, Any]:
    return {"code": code, "text": text, "kind": "photo", "tag": tag, "weight": 0}


SOURCES = [
    {"id": "icao-annex9", "title": "ICAO, Annex 9 to the Convention on International Civil Aviation: Facilitation "
                                   "(chapters 3 and 9: entry and departure of persons; passenger data exchange)"},
    {"id": "icao-9303", "title": "ICAO Doc 9303, Machine Readable Travel Documents, 8th edition (2021)"},
    {"id": "icao-trip", "title": "ICAO Traveller Identification Programme (TRIP) Strategy (2013) and the ICAO "
                                 "Guide on Evidence of Identity (2018)"},
    {"id": "osce-bsmc", "title": "OSCE, Border Security and Management Concept (Ljubljana, 2005)"},
    {"id": "schengen-catalogue", "title": "Council of the European Union, EU Schengen Catalogue: external borders "
                                          "control, return and readmission; recommendations and best practices"},
    {"id": "frontex-ccc", "title": "Frontex, Common Core Curriculum for border and coast guard basic training"},
    {"id": "osbp-sourcebook", "title": "AUDA-NEPAD and JICA, The One Stop Border Post Sourcebook, 2nd edition "
                                       "(2016)"},
    {"id": "wco-cbm", "title": "World Customs Organization, Coordinated Border Management Compendium (2015)"},
    {"id": "ohchr-borders", "title": "OHCHR, Recommended Principles and Guidelines on Human Rights at International "
                                     "Borders (2014)"},
    {"id": "ohchr-trafficking", "title": "OHCHR, Recommended Principles and Guidelines on Human Rights and Human "
                                         "Trafficking (2002)"},
    {"id": "unhcr-10pt", "title": "UNHCR, Refugee Protection and Mixed Migration: the 10-Point Plan in Action "
                                  "(2016), chapter 3: protection-sensitive entry systems"},
    {"id": "crpd-9", "title": "UN Convention on the Rights of Persons with Disabilities, article 9 (accessibility)"},
    {"id": "ihr-annex1b", "title": "WHO, International Health Regulations (2005), 3rd edition, annex 1B: core "
                                   "capacity requirements for designated airports, ports and ground crossings"},
    {"id": "unsc-2396", "title": "UN Security Council resolution 2396 (2017): advance passenger information, "
                                 "passenger name records, biometrics and watchlists"},
]

_PRESENT = ["Absent", "Planned or improvised", "Partly in place", "In place with gaps", "Fully in place and used"]


SECTIONS: list[dict[str, Any]] = [
    {"code": "infrastructure", "title": "Infrastructure and layout", "weight": 1,
     "sources": ["icao-annex9", "schengen-catalogue", "osbp-sourcebook", "crpd-9"],
     "questions": [
         _number("INF-LANES", "Primary inspection lanes (booths or counters) in use", "infrastructure",
                 prefill="lanes"),
         _yes("INF-SECONDARY", "Is there a separate room for secondary inspection, out of sight of the queue?",
              "infrastructure"),
         _scale("INF-FLOWS", "Separation of flows: entry from exit, checked from unchecked travellers",
                "infrastructure", ["Flows mix freely", "Separated by staff only", "Partly separated by layout",
                                   "Separated, with weak points", "Physically separated throughout"], weight=2),
         _scale("INF-ACCESS", "Accessibility for persons with disabilities, older persons and families",
                "infrastructure", ["Not accessible", "Help on request only", "Some accessible routes",
                                   "Accessible with gaps", "Fully accessible, with a priority lane"]),
         _scale("INF-COUNTER", "Counter design: officer sees the traveller and the document, screens face the "
                               "officer only", "infrastructure", _PRESENT),
         _photo("INF-PHOTO", "Photo of the primary line", "infrastructure"),
     ]},
    {"code": "equipment", "title": "Equipment", "weight": 1.5,
     "sources": ["icao-9303", "icao-trip", "schengen-catalogue"],
     "questions": [
         _number("EQP-READERS", "Working document readers (MRZ and chip)", "equipment", prefill="document_readers",
                 target_prefill="lanes"),
         _scale("EQP-DOCKIT", "Document examination kit at the primary line: UV lamp, IR viewer, magnifier",
                "equipment", ["None", "One item, not at every lane", "Some items at some lanes",
                              "Full kit at some lanes", "Full kit at every lane"], weight=2),
         _yes("EQP-CAMERA", "Are travellers' faces captured or compared at the primary line?", "equipment"),
         _scale("EQP-IT", "IT equipment: workstations, printers, spares", "equipment", _PRESENT),
         _scale("EQP-POWER", "Power: mains reliability, uninterruptible power supplies, generator", "equipment",
                ["Frequent outages, no backup", "Backup for some systems", "Backup for all systems, untested",
                 "Tested backup, short autonomy", "Tested backup covering a full shift"]),
         _scale("EQP-NETWORK", "Connectivity to headquarters and to the watchlists", "equipment",
                ["None", "Intermittent", "Slow but usable", "Reliable with a backup link missing",
                 "Reliable with a backup link"]),
         _text("EQP-NOTES", "Equipment notes (faults, missing items)", "equipment"),
     ]},
    {"code": "staffing", "title": "Staffing against traffic", "weight": 1.5,
     "sources": ["osce-bsmc", "schengen-catalogue"],
     "questions": [
         _number("STF-OFFICERS", "Officers assigned to the post", "staffing", prefill="officers_assigned"),
         _number("STF-PEAK", "Travellers in the busiest hour (average over the last 90 days)", "staffing",
                 prefill="peak_hour_travellers"),
         _number("STF-SHIFT", "Officers on duty in the busiest shift", "staffing"),
         _scale("STF-ROSTER", "Rosters follow traffic (peaks, seasons, arrivals of ships, trains or flights)",
                "staffing", ["Fixed rosters", "Ad hoc reinforcement", "Planned for known peaks",
                             "Planned from traffic figures", "Planned from traffic figures and reviewed"]),
         _yes("STF-SUPERVISOR", "Is a supervisor on duty on every shift?", "staffing"),
     ]},
    {"code": "procedures", "title": "Procedures", "weight": 1.5,
     "sources": ["schengen-catalogue", "frontex-ccc", "icao-annex9"],
     "questions": [
         _scale("SOP-PRIMARY", "Written procedure for primary inspection, known and used", "procedures", _PRESENT),
         _scale("SOP-SECONDARY", "Written procedure for secondary inspection and referrals", "procedures",
                _PRESENT),
         _scale("SOP-HITS", "Procedure for watchlist hits: who judges, how, how fast, whom to call", "procedures",
                _PRESENT),
         _scale("SOP-REFUSAL", "Refusal of entry: written decision with grounds, right of appeal explained",
                "procedures", _PRESENT),
         _number("SOP-REFUSALS", "Refusals in the last 90 days", "procedures", prefill="refusals"),
         _number("SOP-REFERRALS", "Referrals to secondary inspection in the last 90 days", "procedures",
                 prefill="referrals"),
         _number("SOP-HITCOUNT", "Watchlist hits filed in the last 90 days", "procedures", prefill="hits"),
     ]},
    {"code": "systems", "title": "Information systems and data quality", "weight": 1,
     "sources": ["unsc-2396", "icao-annex9", "icao-9303"],
     "questions": [
         _yes("SYS-RECORDED", "Is every entry, exit and refusal recorded in the border management system?",
              "systems", weight=2),
         _scale("SYS-QUALITY", "Data quality: documents read by machine rather than typed, few corrections",
                "systems", ["Mostly typed by hand", "Machine-read at some lanes", "Machine-read at most lanes",
                            "Machine-read, with occasional gaps", "Machine-read everywhere, checked daily"]),
         _yes("SYS-WATCHLIST", "Are travellers screened against national and international watchlists (for "
                               "example INTERPOL SLTD) at the primary line?", "systems"),
         _yes("SYS-API", "Is advance passenger information received and screened before arrival (airports and "
                         "seaports)?", "systems"),
         _number("SYS-CROSSINGS", "Crossings recorded in the last 90 days", "systems", prefill="crossings"),
     ]},
    {"code": "documents", "title": "Document examination capacity", "weight": 1,
     "sources": ["icao-9303", "icao-trip", "frontex-ccc"],
     "questions": [
         _scale("DOC-LEVEL1", "Primary-line officers trained in first-line document examination", "documents",
                ["None", "A few", "About half", "Most", "All, with refresher training"], weight=2),
         _yes("DOC-LEVEL2", "Is a trained second-line document examiner reachable on every shift?", "documents"),
         _yes("DOC-SPECIMENS", "Are specimen documents and alerts on forgeries available to officers?",
              "documents"),
         _yes("DOC-CHIP", "Are ePassport chips read and verified against the trust store?", "documents"),
     ]},
    {"code": "cooperation", "title": "Inter-agency and cross-border cooperation", "weight": 1,
     "sources": ["wco-cbm", "osbp-sourcebook", "osce-bsmc"],
     "questions": [
         _scale("COO-AGENCIES", "Cooperation with customs, police, health and other agencies at the post",
                "cooperation", ["None", "Informal, occasional", "Regular meetings", "Agreed procedures",
                                "Joint procedures, shared facilities and data"]),
         _scale("COO-NEIGHBOUR", "Cooperation with the neighbouring state's border agency", "cooperation",
                ["None", "Informal contact", "Regular meetings", "Agreement in place",
                 "Joint or one-stop controls"]),
         {"code": "COO-OSBP", "text": "One-stop border post arrangement", "kind": "choice", "tag": "cooperation",
          "weight": 1, "choices": [
              {"value": "not_applicable", "label": "Not applicable (airport, seaport, no neighbour)", "score": None},
              {"value": "none", "label": "None", "score": 0},
              {"value": "planned", "label": "Planned or under construction", "score": 0.5},
              {"value": "operating", "label": "Operating", "score": 1}]},
     ]},
    {"code": "protection", "title": "Protection-sensitive screening", "weight": 1.5,
     "sources": ["unhcr-10pt", "ohchr-borders", "ohchr-trafficking"],
     "questions": [
         _scale("PRO-IDENTIFY", "Officers identify and refer persons in need of protection (asylum seekers, "
                                "victims of trafficking, unaccompanied and separated children)", "protection",
                _PRESENT, weight=2),
         _yes("PRO-REFERRAL", "Is there an agreed referral pathway to protection services, with contacts?",
              "protection"),
         _yes("PRO-CHILDREN", "Are unaccompanied and separated children handled by a written procedure?",
              "protection"),
         _yes("PRO-GENDER", "Can a female officer conduct interviews and searches of women?", "protection"),
         _yes("PRO-INTERPRET", "Are interpreters available (in person or by telephone)?", "protection"),
     ]},
    {"code": "health", "title": "Health at points of entry", "weight": 1,
     "sources": ["ihr-annex1b"],
     "questions": [
         _yes("HLT-CONTINGENCY", "Is there a public health emergency contingency plan for the post?", "health"),
         _yes("HLT-ISOLATION", "Is there a space to assess and isolate an ill traveller?", "health"),
         _scale("HLT-LINK", "Link with health services: who to call, referral to a medical facility", "health",
                _PRESENT),
     ]},
]


def content() -> dict[str, Any]:
    return {"code": CODE, "version": VERSION, "language": "en",
            "title": "Border crossing point capacity assessment (OpenBMIS default)",
            "sources": SOURCES, "sections": SECTIONS}
