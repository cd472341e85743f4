"""The network over the API: what nodes call (enrol, push, changes; signed with the node's key) and the
operator's list of nodes (``GET /api/nodes``) at headquarters."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import APIKeyHeader

from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.network import services, signing

router = Router(tags=["network"])

NODE_HEADER = "X-OpenBMIS-Node"
TIME_HEADER = "X-OpenBMIS-Time"
SIGNATURE_HEADER = "X-OpenBMIS-Signature"
CODE_HEADER = "X-OpenBMIS-Enrolment-Code"


class NodeSignature(APIKeyHeader):
    """A request signed with an enrolled node's key: missing headers answer 401, a bad signature or a revoked
    node 403."""

    param_name = SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        node_id = request.headers.get(NODE_HEADER)
        at = request.headers.get(TIME_HEADER)
        if not key or not node_id or not at:
            return None
        node = services.authenticate(node_id, request.method or "GET", request.get_full_path(), at,
                                     request.body, key)
        request.node = node  # type: ignore[attr-defined]
        return node


class EnrolmentCodeHeader(APIKeyHeader):
    param_name = CODE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return key or None


def signed(payload: dict[str, Any], status: int = 200) -> HttpResponse:
    """A JSON response signed with headquarters' key (a node verifies it with the key it got at enrolment)."""
    at = timezone.now().isoformat()
    body = json.dumps({**payload, "hq_time": at}, cls=DjangoJSONEncoder).encode()
    response = HttpResponse(body, status=status, content_type="application/json")
    response[TIME_HEADER] = at
    response[SIGNATURE_HEADER] = signing.sign(services.own_key().private_key, signing.response_message(at, body))
    return response


class EnrolIn(Schema):
    border_post: str
    public_key: str
    software_version: str = ""


class PushIn(Schema):
    records: list[dict[str, Any]]
    backlog: int | None = None
    feed_version: int | None = None
    software_version: str | None = None


@router.post("/network/enrol", auth=EnrolmentCodeHeader(), summary="Enrol a border-post node (one-time code)")
def enrol(request: HttpRequest, payload: EnrolIn) -> HttpResponse:
    node = services.enrol(request.auth, border_post=payload.border_post, public_key=payload.public_key,  # type: ignore[attr-defined]
                          software_version=payload.software_version)
    return signed({"node_id": str(node.id), "border_post": node.border_post.code,
                   "hq_public_key": services.own_key().public_key}, status=201)


@router.post("/network/push", auth=NodeSignature(), summary="A node sends a batch of its outbox (signed)")
def push(request: HttpRequest, payload: PushIn) -> HttpResponse:
    node = request.node  # type: ignore[attr-defined]
    services.note_contact(node, request.headers.get(TIME_HEADER, ""), software_version=payload.software_version,
                          node_backlog=payload.backlog, feed_version=payload.feed_version)
    result = services.receive(node, payload.records)
    return signed(result.as_dict())


@router.get("/network/changes", auth=NodeSignature(), summary="A node pulls reference-data changes (signed)")
def changes(request: HttpRequest, since: int = 0, limit: int = services.MAX_PAGE) -> HttpResponse:
    node = request.node  # type: ignore[attr-defined]
    services.note_contact(node, request.headers.get(TIME_HEADER, ""))
    rows, head = services.changes_since(since, limit, post_code=node.border_post.code)
    return signed({"changes": rows, "head": head})


class NodeOut(Schema):
    id: UUID
    border_post: str
    status: str
    enrolled_at: Any
    last_contact_at: Any = None
    stale: bool
    backlog: int
    received_seq: int
    applied_seq: int
    unapplied: int
    feed_version: int
    feed_head: int
    software_version: str
    clock_skew_seconds: float | None = None
    last_error: str


class RevokeIn(Schema):
    reason: str


@router.get("/nodes", response=list[NodeOut], summary="Border-post nodes: last contact, backlog, versions, skew")
def list_nodes(request: HttpRequest) -> list[services.NodeRow]:
    authz.require(request.user, "network.view", token=token_of(request))
    return [view.as_dict() for view in services.node_views()]


@router.post("/nodes/{node_id}/revoke", response=NodeOut, summary="Revoke a node (administrators)")
def revoke_node(request: HttpRequest, node_id: str, payload: RevokeIn) -> services.NodeRow:
    authz.require(request.user, "network.manage", token=token_of(request))
    node = services.revoke(request.user, services.get_node(node_id), payload.reason)
    view = next(v for v in services.node_views() if v.node.id == node.id)
    return view.as_dict()
