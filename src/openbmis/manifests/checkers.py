"""The counter's ``advance`` check: what advance passenger information said about the traveller in front of us."""

from __future__ import annotations

from typing import Any

from openbmis.inspections.checks import Check, InspectionContext, Outcome
from openbmis.manifests import services
from openbmis.manifests.models import PreArrivalHit


def _hit(hit: PreArrivalHit) -> dict[str, Any]:
    return {"id": str(hit.id), "list": hit.watchlist.name, "name": hit.name, "score": round(hit.score, 4),
            "status": hit.status, "reason": hit.reason,
            "judged_by": hit.judged_by.get_username() if hit.judged_by else None,
            "judged_at": hit.judged_at.isoformat() if hit.judged_at else None}


def check_advance(context: InspectionContext) -> Outcome:
    if context.direction != "entry" or context.extra.get("prearrival"):
        return Outcome(Check("advance", "not_checked", "info", "Advance passenger information concerns arrivals."))
    flight = str(context.extra.get("transport_id") or "").upper()
    listed = services.find_listed(context.border_post, context.document, context.local_date)
    if not listed:
        manifest = services.flight_manifest(context.border_post, flight, context.local_date)
        if manifest is not None:
            return Outcome(Check("advance", "warn", "warning",
                                 f"Not listed on the manifest of flight {manifest.flight} ({manifest.flight_date}).",
                                 {"manifest": str(manifest.id), "flight": manifest.flight, "listed": False}))
        return Outcome(Check("advance", "not_checked", "info", "No advance passenger information for this traveller.",
                             {"listed": False}))
    person = listed[0]
    manifest = person.manifest
    hits = list(person.hits.select_related("watchlist", "judged_by"))
    details = {"manifest": str(manifest.id), "person": str(person.id), "flight": manifest.flight,
               "carrier": manifest.carrier.code, "origin": manifest.origin, "destination": manifest.destination,
               "arrival_at": manifest.arrival_at.isoformat() if manifest.arrival_at else None,
               "role": person.role, "screening": person.screening, "listed": True,
               "prearrival_checks": person.checks, "hits": [_hit(h) for h in hits]}
    where = f"Listed on {manifest.flight} ({manifest.origin or '?'}→{manifest.destination or '?'})"
    if flight and flight != manifest.flight:
        return Outcome(Check("advance", "warn", "warning",
                             f"{where}, but presented for flight {flight}.", details))
    matches = [h for h in hits if h.status == PreArrivalHit.Status.MATCH]
    pending = [h for h in hits if h.status in (PreArrivalHit.Status.PENDING, PreArrivalHit.Status.UNSURE)]
    if matches:
        h = matches[0]
        return Outcome(Check("advance", "fail", "error",
                             f"{where}. Judged a MATCH before arrival: {h.name} on {h.watchlist.name} "
                             f"(by {_hit(h)['judged_by']}: {h.reason[:120]}).", details))
    if pending:
        return Outcome(Check("advance", "warn", "warning",
                             f"{where}. {len(pending)} pre-arrival hit(s) not yet judged as match or no match.",
                             details))
    if hits:
        h = hits[0]
        return Outcome(Check("advance", "pass", "info",
                             f"{where}. Pre-arrival hit(s) judged no match (by {_hit(h)['judged_by']}: "
                             f"{h.reason[:120]}).", details))
    return Outcome(Check("advance", "pass", "info", f"{where}. Pre-arrival screening: no hit.", details))
