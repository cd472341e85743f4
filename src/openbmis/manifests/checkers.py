"""The counter's ``advance`` check: what advance passenger information said about the traveller in front of us."""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

from openbmis.inspections import messages
from openbmis.inspections.check_details import AdvanceDetails, AdvanceHit
from openbmis.inspections.checks import Check, InspectionContext, Outcome
from openbmis.inspections.messages import said
from openbmis.manifests import services
from openbmis.manifests.models import PreArrivalHit

messages.register({
    "advance.arrivals_only": gettext_noop("Advance passenger information concerns arrivals."),
    "advance.not_listed": gettext_noop("Not listed on the manifest of flight %(flight)s (%(date)s)."),
    "advance.none": gettext_noop("No advance passenger information for this traveller."),
    "advance.other_flight": gettext_noop("Listed on %(flight)s (%(route)s), but presented for flight %(presented)s."),
    "advance.match": gettext_noop("Listed on %(flight)s (%(route)s). Judged a MATCH before arrival: %(name)s on %(list)s (by "
                       "%(by)s: %(reason)s)."),
    "advance.pending": ngettext_lazy(
        "Listed on %(flight)s (%(route)s). %(count)d pre-arrival hit not yet judged as match or no match.",
        "Listed on %(flight)s (%(route)s). %(count)d pre-arrival hits not yet judged as match or no match.",
        "count"),
    "advance.no_match": gettext_noop("Listed on %(flight)s (%(route)s). Pre-arrival hits judged no match (by %(by)s: "
                          "%(reason)s)."),
    "advance.clear": gettext_noop("Listed on %(flight)s (%(route)s). Pre-arrival screening: no hit."),
})


def _hit(hit: PreArrivalHit) -> AdvanceHit:
    return {"id": str(hit.id), "list": hit.watchlist.name, "name": hit.name, "score": round(hit.score, 4),
            "status": hit.status, "reason": hit.reason,
            "judged_by": hit.judged_by.get_username() if hit.judged_by else None,
            "judged_at": hit.judged_at.isoformat() if hit.judged_at else None}


def check_advance(context: InspectionContext) -> Outcome:
    if context.direction != "entry" or context.extra.get("prearrival"):
        return Outcome(Check("advance", "not_checked", "info", said("advance.arrivals_only")))
    flight = str(context.extra.get("transport_id") or "").upper()
    listed = services.find_listed(context.border_post, context.document, context.local_date)
    if not listed:
        manifest = services.flight_manifest(context.border_post, flight, context.local_date)
        if manifest is not None:
            return Outcome(Check("advance", "warn", "warning",
                                 said("advance.not_listed", flight=manifest.flight, date=manifest.flight_date),
                                 {"manifest": str(manifest.id), "flight": manifest.flight, "listed": False}))
        return Outcome(Check("advance", "not_checked", "info", said("advance.none"),
                             {"listed": False}))
    person = listed[0]
    manifest = person.manifest
    hits = list(person.hits.select_related("watchlist", "judged_by"))
    details: AdvanceDetails = {"manifest": str(manifest.id), "person": str(person.id), "flight": manifest.flight,
               "carrier": manifest.carrier.code, "origin": manifest.origin, "destination": manifest.destination,
               "arrival_at": manifest.arrival_at.isoformat() if manifest.arrival_at else None,
               "role": person.role, "screening": person.screening, "listed": True,
               "prearrival_checks": person.checks, "hits": [_hit(h) for h in hits]}
    where = {"flight": manifest.flight, "route": f"{manifest.origin or '?'}→{manifest.destination or '?'}"}
    if flight and flight != manifest.flight:
        return Outcome(Check("advance", "warn", "warning",
                             said("advance.other_flight", presented=flight, **where), details))
    matches = [h for h in hits if h.status == PreArrivalHit.Status.MATCH]
    pending = [h for h in hits if h.status in (PreArrivalHit.Status.PENDING, PreArrivalHit.Status.UNSURE)]
    if matches:
        h = matches[0]
        return Outcome(Check("advance", "fail", "error",
                             said("advance.match", name=h.name, list=h.watchlist.name, by=_hit(h)["judged_by"],
                                  reason=h.reason[:120], **where), details))
    if pending:
        return Outcome(Check("advance", "warn", "warning",
                             said("advance.pending", count=len(pending), **where), details))
    if hits:
        h = hits[0]
        return Outcome(Check("advance", "pass", "info",
                             said("advance.no_match", by=_hit(h)["judged_by"], reason=h.reason[:120], **where),
                             details))
    return Outcome(Check("advance", "pass", "info", said("advance.clear", **where), details))
