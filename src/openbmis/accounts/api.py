"""Who am I, and my API tokens."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from openbmis.accounts import authz, services
from openbmis.accounts.api_auth import token_of
from openbmis.accounts.models import ApiToken
from openbmis.core.errors import AccessDenied, NotFound

router = Router(tags=["accounts"])


class GrantOut(Schema):
    role: str
    border_post: str | None


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[GrantOut]
    token_scopes: list[str] | None


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1)
    expires_in_days: int | None = Field(default=None, ge=1, le=services.MAX_TOKEN_DAYS)


class TokenCreated(TokenOut):
    token: str = Field(description="the secret token, shown this once only")


@router.get("/me", response=MeOut, summary="The caller's identity, roles and token scopes")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assignments = user.role_assignments.select_related("border_post")  # type: ignore[union-attr]
    token = token_of(request)
    return MeOut(
        username=user.get_username(),
        full_name=user.get_full_name(),  # type: ignore[union-attr]
        roles=[GrantOut(role=a.role, border_post=a.border_post.code if a.border_post else None) for a in assignments],
        token_scopes=list(token.scopes) if token else None,
    )


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens (a token needs the scope tokens:manage)")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    authz.require_scope(token_of(request), "tokens.manage")
    return list(ApiToken.objects.filter(user=request.user))  # type: ignore[misc]


@router.post("/tokens", response={201: TokenCreated}, summary="Create an API token (from a browser session only)")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    if token_of(request) is not None:
        raise AccessDenied(_("an API token cannot create other tokens; log in to the web UI or use the CLI"))
    token, secret = services.create_token(
        request.user, request.user, name=payload.name, scopes=payload.scopes,  # type: ignore[arg-type]
        expires_in_days=payload.expires_in_days,
    )
    data = TokenOut.from_orm(token).dict()
    data["token"] = secret
    return Status(201, data)


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke a token (yours; administrators: any; a token itself, or others with tokens:manage)")
def revoke_token(request: HttpRequest, token_id: UUID) -> ApiToken:
    caller = token_of(request)
    if caller is None or caller.pk != token_id:  # a token may always revoke itself (a leaked one, say)
        authz.require_scope(caller, "tokens.manage")
    token = ApiToken.objects.select_related("user").filter(id=token_id).first()
    if token is None:
        raise NotFound(_("no token %(token_id)s") % {"token_id": token_id})
    if token.user_id != request.user.pk:
        authz.require(request.user, "accounts.manage", token=token_of(request))
    services.revoke_token(request.user, token)
    return token
