"""Fixtures for the watchlist app: lists made through the services, CSV builders, inspections through the API."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

TEMPLATE_HEADER = ("id", "name", "aliases", "birth_dates", "countries", "sex", "documents", "remarks")


def template_csv(rows: list[dict[str, str]], header: tuple[str, ...] = TEMPLATE_HEADER) -> bytes:
    """A watchlist in the OpenBMIS CSV template (docs/screening.md)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header})
    return out.getvalue().encode("utf-8")


def documents_csv(rows: list[dict[str, str]]) -> bytes:
    header = ("id", "issuing_state", "number", "status", "document_type", "reported_on", "remarks")
    return template_csv(rows, header)


KAMAU = dict(primary_identifier="KAMAU", secondary_identifier="JOSEPH", birth_date=date(1980, 3, 14),
             nationality="KEN", issuing_state="KEN", sex="M", document_number="K0000013")
NATIONAL_ROWS = [
    {"id": "NAT-1", "name": "KAMAU, Joseph", "birth_dates": "1980-03-14", "countries": "KEN", "sex": "male",
     "remarks": "wanted for questioning"},
    {"id": "NAT-2", "name": "Fatuma Ali Hassan", "birth_dates": "1975", "countries": "SOM", "sex": "female"},
    {"id": "NAT-3", "name": "Viktor Petrenko", "aliases": "Victor Petrenko", "birth_dates": "1969-11-02",
     "countries": "UKR", "sex": "male"},
]


@pytest.fixture(name="template_csv")
def template_csv_fixture():
    return template_csv


@pytest.fixture(name="documents_csv")
def documents_csv_fixture():
    return documents_csv


@pytest.fixture
def kamau():
    """The documented test traveller (docs/watchlists.md): listed by name, passport reported stolen."""
    return dict(KAMAU)


@pytest.fixture(autouse=True)
def _fresh_index():
    """Each test starts without a cached screening index (its database rolled back under the cache)."""
    from openbmis.watchlists import matching

    matching.forget()
    yield
    matching.forget()


@pytest.fixture
def make_list(db):
    from openbmis.watchlists import services

    def make(name="National alert list", kind="persons", threshold=0.7, **extra):
        return services.create_watchlist("test", name=name, owner="Immigration HQ", kind=kind,
                                         purpose="tests", threshold=threshold, **extra)

    return make


@pytest.fixture
def load(db):
    """load(watchlist, content, file_name='list.csv', commit=True) -> WatchlistImport (through the services)."""
    from openbmis.watchlists import services

    def run(watchlist, content: bytes, file_name: str = "list.csv", commit: bool = True):
        return services.import_now("test", watchlist, file_name=file_name, content=content, commit=commit)

    return run


@pytest.fixture
def national(make_list, load):
    watchlist = make_list()
    load(watchlist, template_csv(NATIONAL_ROWS))
    watchlist.refresh_from_db()
    return watchlist


@pytest.fixture
def stolen(make_list, load):
    watchlist = make_list("Stolen and lost documents", kind="documents")
    load(watchlist, documents_csv([
        {"id": "SLTD-1", "issuing_state": "KEN", "number": "K0000013", "status": "stolen",
         "document_type": "P", "reported_on": "2025-01-10"},
        {"id": "SLTD-2", "issuing_state": "UGA", "number": "B1234567", "status": "lost"},
    ]), file_name="documents.csv")
    watchlist.refresh_from_db()
    return watchlist


@pytest.fixture
def secondary(make_user, two_posts):
    return make_user("secondary_officer", two_posts[0], username="wl-secondary")


