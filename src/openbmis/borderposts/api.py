"""Border-post endpoints."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.borderposts import services
from openbmis.borderposts.models import BorderPost
from openbmis.core.errors import InvalidInput

router = Router(tags=["border posts"])


class LaneSchema(Schema):
    code: str = Field(min_length=1, max_length=16)
    direction: str = Field(description="entry, exit or both")
    active: bool = True


class BorderPostOut(Schema):
    id: str
    code: str
    name: str
    kind: str
    country: str
    time_zone: str
    latitude: Decimal | None
    longitude: Decimal | None
    neighbour_country: str
    status: str
    lanes: list[LaneSchema]


class BorderPostIn(Schema):
    code: str = Field(min_length=2, max_length=16)
    name: str = Field(min_length=1, max_length=120)
    kind: str
    country: str = Field(min_length=3, max_length=3)
    time_zone: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    neighbour_country: str = ""
    status: str = "active"
    lanes: list[LaneSchema] = []


class BorderPostPatch(Schema):
    name: str | None = None
    kind: str | None = None
    country: str | None = None
    time_zone: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    neighbour_country: str | None = None
    status: str | None = None
    lanes: list[LaneSchema] | None = None


def _out(post: BorderPost) -> BorderPostOut:
    return BorderPostOut(
        id=str(post.id), code=post.code, name=post.name, kind=post.kind, country=post.country,
        time_zone=post.time_zone, latitude=post.latitude, longitude=post.longitude,
        neighbour_country=post.neighbour_country, status=post.status,
        lanes=[LaneSchema(code=lane.code, direction=lane.direction, active=lane.active) for lane in post.lanes.all()],
    )


@router.get("", response=list[BorderPostOut], summary="List the border posts you may see")
def list_posts(request: HttpRequest) -> list[BorderPostOut]:
    authz.require(request.user, "borderposts.view", token=token_of(request))
    scope = authz.post_scope(request.user, "borderposts.view", token_of(request))
    posts = BorderPost.objects.prefetch_related("lanes")
    if not isinstance(scope, authz.AllPosts):
        posts = posts.filter(id__in=scope)
    return [_out(post) for post in posts]


@router.get("/{code}", response=BorderPostOut, summary="One border post")
def get_post(request: HttpRequest, code: str) -> BorderPostOut:
    post = services.get_post(code)
    authz.require(request.user, "borderposts.view", post, token=token_of(request))
    return _out(post)


@router.post("", response={201: BorderPostOut}, summary="Create a border post (administrators)")
def create_post(request: HttpRequest, payload: BorderPostIn) -> Status[BorderPostOut]:
    authz.require(request.user, "borderposts.manage", token=token_of(request))
    data = payload.dict()
    lanes = data.pop("lanes")
    code = data.pop("code")
    post = services.create_border_post(request.user, code=code, lanes=lanes, **data)
    return Status(201, _out(post))


@router.patch("/{code}", response=BorderPostOut, summary="Change a border post (administrators)")
def update_post(request: HttpRequest, code: str, payload: BorderPostPatch) -> BorderPostOut:
    authz.require(request.user, "borderposts.manage", token=token_of(request))
    post = services.get_post(code)
    changes = payload.dict(exclude_unset=True)
    if "neighbour_country" in changes and changes["neighbour_country"] is None:
        changes["neighbour_country"] = ""  # null: no neighbouring country
    for name in ("name", "kind", "country", "time_zone", "status"):
        if name in changes and changes[name] is None:
            raise InvalidInput(_("%(name)s cannot be null") % {"name": name}, field=name)
    lanes = changes.pop("lanes", None)
    post = services.update_border_post(request.user, post, lanes=lanes, **changes)
    return _out(post)
