"""The counter's two watchlist checks: the traveller's name against the person lists, the document against the
lists of stolen, lost, revoked and invalidated documents (registered in :class:`~openbmis.watchlists.apps.WatchlistsConfig`).

They only read: the snapshot comes from :mod:`openbmis.watchlists.matching`, and the hits they return are filed by
:func:`openbmis.watchlists.services.file_inspection_hits` once the inspection is stored.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

from openbmis import screening as engine
from openbmis.inspections import messages
from openbmis.inspections.check_details import StolenLostDetails, WatchlistDetails
from openbmis.inspections.checks import Check, HitRecord, InspectionContext, Outcome
from openbmis.inspections.messages import said
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

messages.register({
    "watchlist.no_lists": gettext_noop("No active watchlist of persons to screen against."),
    "watchlist.cannot_screen": gettext_noop("Cannot screen: %(problem)s"),
    "watchlist.clear": ngettext_lazy("No hit in %(lists)d watchlist.", "No hit in %(lists)d watchlists.", "lists"),
    "watchlist.judged_before": ngettext_lazy(
        "%(count)d possible match, judged no match before (by %(by)s on %(date)s): look again.",
        "%(count)d possible matches, each judged no match before (by %(by)s on %(date)s): look again.", "count"),
    "watchlist.possible_match": gettext_noop("Possible match: %(name)s on %(list)s (score %(score)s). Refer for a person to "
                                  "judge."),
    "stolen_lost.no_lists": gettext_noop("No active list of stolen or lost documents."),
    "stolen_lost.clear": gettext_noop("Document not reported stolen, lost or revoked."),
    # one sentence per status, so that each language agrees the word with the sentence
    "stolen_lost.listed.stolen": gettext_noop("Document reported stolen on %(list)s."),
    "stolen_lost.listed.lost": gettext_noop("Document reported lost on %(list)s."),
    "stolen_lost.listed.revoked": gettext_noop("Document reported revoked on %(list)s."),
    "stolen_lost.listed.invalidated": gettext_noop("Document reported invalidated on %(list)s."),
    "stolen_lost.look_alike.stolen": gettext_noop("A document with a look-alike number (%(listed)s) is reported stolen on "
                                       "%(list)s: compare the numbers."),
    "stolen_lost.look_alike.lost": gettext_noop("A document with a look-alike number (%(listed)s) is reported lost on "
                                     "%(list)s: compare the numbers."),
    "stolen_lost.look_alike.revoked": gettext_noop("A document with a look-alike number (%(listed)s) is reported revoked on "
                                        "%(list)s: compare the numbers."),
    "stolen_lost.look_alike.invalidated": gettext_noop("A document with a look-alike number (%(listed)s) is reported "
                                            "invalidated on %(list)s: compare the numbers."),
})


def _summary(hits: list[HitRecord]) -> tuple[list[HitRecord], list[HitRecord]]:
    fresh = [h for h in hits if not h["previous_no_match"]]
    known = [h for h in hits if h["previous_no_match"]]
    return fresh, known


def check_watchlist(context: InspectionContext) -> Outcome:
    """Screen the traveller's name, birth date, nationality, sex and document against the person lists."""
    snapshot: Snapshot = context.memo("watchlists.snapshot", current)
    if snapshot.person_lists == 0:
        return Outcome(Check("watchlist", "not_checked", "info", said("watchlist.no_lists")))
    doc = context.document
    try:
        query = person_query(
            surname=str(doc.get("primary_identifier") or ""), given_names=str(doc.get("secondary_identifier") or ""),
            birth_date=doc.get("birth_date"), nationality=str(doc.get("nationality") or ""),
            sex=str(doc.get("sex") or ""), document_number=str(doc.get("document_number") or ""),
            issuing_state=str(doc.get("issuing_state") or ""),
        )
    except engine.QueryError as exc:
        return Outcome(Check("watchlist", "not_checked", "warning", said("watchlist.cannot_screen", problem=exc.message)))
    hits = search_persons(snapshot, query)
    remember(getattr(context.traveller, "id", None), hits)
    remember_elsewhere(context, hits)
    details: WatchlistDetails = {"lists": snapshot.person_lists, "entries": len(snapshot.persons), "hits": len(hits)}
    if not hits:
        return Outcome(Check("watchlist", "pass", "info", said("watchlist.clear", lists=snapshot.person_lists), details))
    fresh, known = _summary(hits)
    if not fresh:
        first = known[0]["previous_no_match"]
        assert first is not None  # _summary puts in known only the hits judged before
        return Outcome(Check("watchlist", "warn", "warning",
                             said("watchlist.judged_before", count=len(known), by=first["by"], date=first["date"]),
                             details), hits=hits)
    best = fresh[0]
    return Outcome(Check("watchlist", "fail", "error",
                         said("watchlist.possible_match", name=best["name"], list=best["list"],
                              score=score_text(best["score"])), details), hits=hits)


def check_stolen_lost(context: InspectionContext) -> Outcome:
    """Look the document up on the lists of stolen, lost, revoked and invalidated documents."""
    snapshot: Snapshot = context.memo("watchlists.snapshot", current)
    if snapshot.document_lists == 0:
        return Outcome(Check("stolen_lost", "not_checked", "info", said("stolen_lost.no_lists")))
    doc = context.document
    state = str(doc.get("issuing_state") or "")
    number = str(doc.get("document_number") or "")
    hits = search_documents(snapshot, state, number)
    remember(getattr(context.traveller, "id", None), hits)
    remember_elsewhere(context, hits)
    details: StolenLostDetails = {"lists": snapshot.document_lists, "hits": len(hits)}
    if not hits:
        return Outcome(Check("stolen_lost", "pass", "info", said("stolen_lost.clear"), details))
    exact = [h for h in hits if h["exact"]]
    if exact:
        best = exact[0]
        return Outcome(Check("stolen_lost", "fail", "error",
                             said(f"stolen_lost.listed.{best['status']}", list=best["list"]), details), hits=hits)
    best = hits[0]
    return Outcome(Check("stolen_lost", "warn", "warning",
                         said(f"stolen_lost.look_alike.{best['status']}", listed=best["listed_name"], list=best["list"]), details), hits=hits)
