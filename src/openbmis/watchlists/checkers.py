"""The counter's two watchlist checks: the traveller's name against the person lists, the document against the
lists of stolen, lost, revoked and invalidated documents (registered in :class:`~openbmis.watchlists.apps.WatchlistsConfig`).

They only read: the snapshot comes from :mod:`openbmis.watchlists.matching`, and the hits they return are filed by
:func:`openbmis.watchlists.services.file_inspection_hits` once the inspection is stored.
"""

from __future__ import annotations

from typing import Any

from openbmis import screening as engine
from openbmis.inspections.checks import Check, InspectionContext, Outcome
from openbmis.watchlists.matching import (
    Snapshot,
    current,
    person_query,
    remember,
    remember_elsewhere,
    score_text,
    search_documents,
    search_persons,
)


def _summary(hits: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    fresh = [h for h in hits if not h["previous_no_match"]]
    known = [h for h in hits if h["previous_no_match"]]
    return fresh, known


def check_watchlist(context: InspectionContext) -> Outcome:
    """Screen the traveller's name, birth date, nationality, sex and document against the person lists."""
    snapshot: Snapshot = context.memo("watchlists.snapshot", current)
    if snapshot.person_lists == 0:
        return Outcome(Check("watchlist", "not_checked", "info", "No active watchlist of persons to screen against."))
    doc = context.document
    try:
        query = person_query(
            surname=str(doc.get("primary_identifier") or ""), given_names=str(doc.get("secondary_identifier") or ""),
            birth_date=doc.get("birth_date"), nationality=str(doc.get("nationality") or ""),
            sex=str(doc.get("sex") or ""), document_number=str(doc.get("document_number") or ""),
            issuing_state=str(doc.get("issuing_state") or ""),
        )
    except engine.QueryError as exc:
        return Outcome(Check("watchlist", "not_checked", "warning", f"Cannot screen: {exc.message}"))
    hits = search_persons(snapshot, query)
    remember(getattr(context.traveller, "id", None), hits)
    remember_elsewhere(context, hits)
    details = {"lists": snapshot.person_lists, "entries": len(snapshot.persons), "hits": len(hits)}
    if not hits:
        return Outcome(Check("watchlist", "pass", "info",
                             f"No hit in {snapshot.person_lists} watchlist(s).", details))
    fresh, known = _summary(hits)
    if not fresh:
        first = known[0]["previous_no_match"]
        return Outcome(Check("watchlist", "warn", "warning",
                             f"{len(known)} possible match(es), each judged no match before "
                             f"(by {first['by']} on {first['date']}): look again.", details), hits=hits)
    best = fresh[0]
    return Outcome(Check("watchlist", "fail", "error",
                         f"Possible match: {best['name']} on {best['list']} (score {score_text(best['score'])}). "
                         "Refer for a person to judge.", details), hits=hits)


def check_stolen_lost(context: InspectionContext) -> Outcome:
    """Look the document up on the lists of stolen, lost, revoked and invalidated documents."""
    snapshot: Snapshot = context.memo("watchlists.snapshot", current)
    if snapshot.document_lists == 0:
        return Outcome(Check("stolen_lost", "not_checked", "info", "No active list of stolen or lost documents."))
    doc = context.document
    state = str(doc.get("issuing_state") or "")
    number = str(doc.get("document_number") or "")
    hits = search_documents(snapshot, state, number)
    remember(getattr(context.traveller, "id", None), hits)
    remember_elsewhere(context, hits)
    details = {"lists": snapshot.document_lists, "hits": len(hits)}
    if not hits:
        return Outcome(Check("stolen_lost", "pass", "info", "Document not reported stolen, lost or revoked.",
                             details))
    exact = [h for h in hits if h["exact"]]
    if exact:
        best = exact[0]
        return Outcome(Check("stolen_lost", "fail", "error",
                             f"Document reported {best['status']} on {best['list']}.", details), hits=hits)
    best = hits[0]
    return Outcome(Check("stolen_lost", "warn", "warning",
                         f"A document with a look-alike number ({best['listed_name']}) is reported "
                         f"{best['status']} on {best['list']}: compare the numbers.", details), hits=hits)
