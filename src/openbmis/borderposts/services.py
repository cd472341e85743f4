"""Write path for border posts and lanes. Every write is audited."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict, Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from openbmis.audit import services as audit
from openbmis.borderposts.models import BorderPost, Lane
from openbmis.core.actors import Actor
from openbmis.core.errors import Conflict, InvalidInput, NotFound
from openbmis.core.validation import full_clean

EDITABLE_FIELDS = (
    "name", "kind", "country", "time_zone", "latitude", "longitude", "neighbour_country", "status",
)


class LaneSpec(TypedDict, total=False):
    """One lane as a caller describes it: its code, its direction (entry, exit or both) and whether it is open."""

    code: str
    direction: str
    active: bool


class BorderPostFields(TypedDict, total=False):
    """The fields a caller sets on a border post besides its code: ``EDITABLE_FIELDS`` with their types."""

    name: str
    kind: str
    country: str
    time_zone: str
    latitude: Decimal | float | None
    longitude: Decimal | float | None
    neighbour_country: str
    status: str


def _post_snapshot(post: BorderPost) -> dict[str, object]:
    data: dict[str, object] = dict(audit.snapshot(post, ["code", *EDITABLE_FIELDS]))
    data["lanes"] = [{"code": lane.code, "direction": lane.direction, "active": lane.active}
                     for lane in post.lanes.order_by("code")]
    return data


def get_post(code: str) -> BorderPost:
    try:
        return BorderPost.objects.get(code=code.upper())
    except BorderPost.DoesNotExist:
        raise NotFound(_("no border post with code %(code)r") % {"code": code}, field="code") from None


def create_border_post(actor: Actor, *, code: str, lanes: list[LaneSpec] | None = None,
                       **fields: Unpack[BorderPostFields]) -> BorderPost:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("unknown field(s): %(unknown)s")
                           % {"unknown": ', '.join(sorted(unknown))}, field=sorted(unknown)[0])
    code = code.strip().upper()
    if BorderPost.objects.filter(code=code).exists():
        raise Conflict(_("a border post with code %(code)s already exists") % {"code": code}, field="code")
    post = BorderPost(code=code, **fields)
    full_clean(post)
    with transaction.atomic():
        post.save()
        _replace_lanes(post, lanes or [])
        audit.record(actor=actor, action="borderpost.create", object_type="border_post", object_id=str(post.id),
                     object_label=post.code, after=_post_snapshot(post), border_post_code=post.code)
    return post


def update_border_post(
    actor: Actor, post: BorderPost, *, lanes: list[LaneSpec] | None = None, **changes: Unpack[BorderPostFields]
) -> BorderPost:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("unknown or read-only field(s): %(unknown)s")
                           % {"unknown": ', '.join(sorted(unknown))}, field=sorted(unknown)[0])
    before = _post_snapshot(post)
    for name, value in changes.items():
        setattr(post, name, value)
    full_clean(post)
    with transaction.atomic():
        post.save()
        if lanes is not None:
            _replace_lanes(post, lanes)
        after = _post_snapshot(post)
        if after != before:
            audit.record(actor=actor, action="borderpost.update", object_type="border_post",
                         object_id=str(post.id), object_label=post.code, before=before, after=after,
                         border_post_code=post.code)
    return post


def _replace_lanes(post: BorderPost, lanes: list[LaneSpec]) -> None:
    """Make the post's lanes exactly ``lanes`` (validated all first: nothing half-applied)."""
    seen: set[str] = set()
    validated: list[Lane] = []
    for index, spec in enumerate(lanes, start=1):
        code = str(spec.get("code", "")).strip()
        if code in seen:
            raise InvalidInput(_("lane %(index)s: code %(code)r is used twice")
                               % {"index": index, "code": code}, field="lanes")
        seen.add(code)
        lane = Lane(border_post=post, code=code, direction=spec.get("direction", ""), active=spec.get("active", True))
        try:
            full_clean(lane, exclude=["border_post"])
        except InvalidInput as exc:
            raise InvalidInput(_("lane %(index)s: %(error)s")
                               % {"index": index, "error": exc.message}, field="lanes") from None
        validated.append(lane)
    existing = {lane.code: lane for lane in post.lanes.all()}
    for lane in validated:
        current = existing.pop(lane.code, None)
        if current is None:
            lane.save()
        elif (current.direction, current.active) != (lane.direction, lane.active):
            current.direction, current.active = lane.direction, lane.active
            current.save(update_fields=["direction", "active"])
    for stale in existing.values():
        stale.delete()


def parse_lanes_text(text: str) -> list[LaneSpec]:
    """Lanes typed in a form, one per line: ``CODE DIRECTION`` (e.g. ``A1 entry``)."""
    lanes: list[LaneSpec] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise InvalidInput(_("lanes line %(number)s: expected 'CODE DIRECTION', got %(line)r")
                               % {"number": number, "line": line}, field="lanes")
        lanes.append({"code": parts[0], "direction": parts[1].lower()})
    return lanes
