"""The demo's watchlists: a national alert list of persons and a list of stolen and lost documents.

One of each matches the documented test traveller KAMAU, JOSEPH (born 1980-03-14, Kenyan; passport KEN
K0000013 reported stolen): see docs/demo.md and docs/watchlists.md. Idempotent.
"""

from __future__ import annotations

from openbmis.watchlists import services
from openbmis.watchlists.models import Watchlist

ACTOR = "demo-seed"

PERSONS_CSV = """id,name,aliases,birth_dates,countries,sex,documents,remarks
NAL-0001,"KAMAU, Joseph",Joseph Kamau Njoroge,1980-03-14,KEN,male,,Demo: wanted for questioning (test traveller)
NAL-0002,Viktor Petrenko,Victor Petrenko;Wiktor Petrenko,1969-11-02,UKR,male,passport:EK4433221:UKR,Demo entry
NAL-0003,Fatuma Ali Hassan,Fatima Ali Hasan,1975,SOM,female,,Demo entry
NAL-0004,Mohammed Abdullah Al-Rashid,Muhammad Abdallah al Rashid;محمد عبد الله الراشد,1972-07-01 to 1974,SDN,male,,Demo entry
NAL-0005,Carlos Eduardo Mendoza Ruiz,,1985-12-09,COL,male,,Demo entry
"""

DOCUMENTS_CSV = """id,issuing_state,number,status,document_type,reported_on,remarks
SLD-0001,KEN,K0000013,stolen,P,2025-11-02,Demo: reported stolen in Nairobi (test traveller)
SLD-0002,TZA,AB9876543,lost,P,2025-09-14,Demo entry
SLD-0003,UGA,B7654321,revoked,P,2025-06-30,Demo entry
SLD-0004,UTO,L898902C3,invalidated,P,2024-01-01,Demo: the ICAO specimen number
"""

LISTS = [
    ("National alert list", Watchlist.Kind.PERSONS, "Department of Immigration, alerts desk",
     "Persons to be referred to secondary inspection on arrival or departure.", "national-alerts.csv",
     PERSONS_CSV),
    ("Stolen and lost documents", Watchlist.Kind.DOCUMENTS, "Department of Immigration, document security",
     "National travel documents reported stolen, lost, revoked or invalidated (shared with INTERPOL SLTD).",
     "stolen-lost.csv", DOCUMENTS_CSV),
]


def load_demo_lists() -> int:
    """Create and fill the demo lists that do not exist yet; returns how many were created."""
    created = 0
    for name, kind, owner, purpose, file_name, content in LISTS:
        if Watchlist.objects.filter(name=name).exists():
            continue
        watchlist = services.create_watchlist(ACTOR, name=name, kind=kind, owner=owner, purpose=purpose,
                                              retention_days=3650)
        record = services.import_now(ACTOR, watchlist, file_name=file_name, content=content.encode("utf-8"),
                                     commit=True, channel="cli")
        if record.status != "committed":
            raise RuntimeError(f"demo list {name}: {record.errors[:3]}")
        created += 1
    return created
