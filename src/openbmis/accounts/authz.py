"""Authorisation: does this user (through this token, if any) hold a permission at a post?

Every view and API handler asks here; nothing else decides access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from django.utils.translation import gettext as _

from openbmis.accounts.actors import user_of
from openbmis.accounts.roles import Permission, Role, permission
from openbmis.core.errors import AccessDenied

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from openbmis.accounts.actors import Actor
    from openbmis.accounts.models import ApiToken, User
    from openbmis.borderposts.models import BorderPost

    _Row = TypeVar("_Row", bound=Model)


@dataclass(frozen=True)
class Grant:
    role: Role
    post_id: UUID | None  # None: held nationally


@dataclass(frozen=True)
class Principal:
    """A part of the system that acts with fixed grants instead of a user's roles: the monthly report's scheduler
    reads national statistics as an analyst without identities access, so small cells stay hidden."""

    label: str
    fixed_grants: tuple[Grant, ...]
    can_view_identities: bool = False

    def get_username(self) -> str:
        return self.label


class AllPosts:
    """Scope marker: the permission holds at every border post."""

    def __repr__(self) -> str:
        return "ALL_POSTS"


ALL_POSTS = AllPosts()

# Filters over a user's grants (for example: a role suspended while a required certificate is not valid).
# Apps register them in AppConfig.ready(); this stays the one place where access is decided.
GrantFilter = Callable[["User", list[Grant]], list[Grant]]
GRANT_FILTERS: list[GrantFilter] = []


def register_grant_filter(grant_filter: GrantFilter) -> None:
    if grant_filter not in GRANT_FILTERS:
        GRANT_FILTERS.append(grant_filter)
PostScope = AllPosts | frozenset[UUID]


def grants(user: Actor | Principal) -> list[Grant]:
    """The user's role grants, loaded once per user object (that is, once per request); a principal's fixed
    grants; none for the system's label or an anonymous visitor."""
    if isinstance(user, Principal):
        return list(user.fixed_grants)
    signed_in = user_of(user)
    if signed_in is None or not signed_in.is_active:
        return []
    cached: list[Grant] | None = signed_in.__dict__.get("_openbmis_grants")  # kept on this user object only
    if cached is None:
        cached = [Grant(Role(role), post_id)
                  for role, post_id in signed_in.role_assignments.values_list("role", "border_post_id")]
        for grant_filter in GRANT_FILTERS:
            cached = grant_filter(signed_in, cached)
        signed_in.__dict__["_openbmis_grants"] = cached
    return cached


def roles(user: Actor | Principal) -> set[Role]:
    return {g.role for g in grants(user)}


def _token_allows(token: ApiToken | None, perm: Permission) -> bool:
    if token is None:
        return True
    return perm.scope in (token.scopes or [])


def _role_grants(user: Actor | Principal, perm: Permission) -> list[Grant]:
    matching = [g for g in grants(user) if g.role in perm.roles]
    if perm.name == "identities.view" and user_can_view_identities(user):
        matching += [g for g in grants(user) if g.role == Role.ANALYST]
    if not perm.post_scoped:
        matching = [g for g in matching if g.post_id is None]
    return matching


def user_can_view_identities(user: Actor | Principal) -> bool:
    if isinstance(user, Principal):
        return user.can_view_identities
    signed_in = user_of(user)
    return signed_in is not None and bool(signed_in.can_view_identities)


def post_scope(user: Actor | Principal, name: str, token: ApiToken | None = None) -> PostScope:
    """The posts at which the user holds the permission (ALL_POSTS, or a possibly empty set)."""
    perm = permission(name)
    if not _token_allows(token, perm):
        return frozenset()
    matching = _role_grants(user, perm)
    if any(g.post_id is None for g in matching):
        return ALL_POSTS
    return frozenset(g.post_id for g in matching if g.post_id is not None)


def limit_to_scope(queryset: QuerySet[_Row], user: Actor | Principal, name: str, token: ApiToken | None = None,
                   field: str = "border_post_id") -> QuerySet[_Row]:
    """``queryset`` narrowed to the rows whose ``field`` is a post where the user holds ``name`` (unchanged for a
    national holder; empty when held nowhere)."""
    scope = post_scope(user, name, token)
    if isinstance(scope, AllPosts):
        return queryset
    return queryset.filter(**{f"{field}__in": scope})


def has_permission(user: Actor | Principal, name: str, post_id: UUID | None = None, token: ApiToken | None = None) -> bool:
    """True if the permission is held at ``post_id`` (or anywhere, when ``post_id`` is None)."""
    scope = post_scope(user, name, token)
    if isinstance(scope, AllPosts):
        return True
    if post_id is None:
        return bool(scope)
    return post_id in scope


def require_scope(token: ApiToken | None, name: str) -> None:
    """Raise AccessDenied unless the API token (if any) carries the permission's scope; roles are not asked."""
    perm = permission(name)
    if token is not None and not _token_allows(token, perm):
        raise AccessDenied(_("this API token lacks the scope %(scope)r")
                           % {"scope": perm.scope}, scope=perm.scope)


def require(user: Actor | Principal, name: str, post: BorderPost | UUID | None = None, token: ApiToken | None = None) -> None:
    """Raise AccessDenied naming what is missing unless the permission is held (at ``post``)."""
    perm = permission(name)
    require_scope(token, name)
    post_id = post if post is None or isinstance(post, UUID) else post.id
    if not has_permission(user, name, post_id, token):
        if post is not None:
            code = str(post) if isinstance(post, UUID) else post.code
            raise AccessDenied(_("you have no access to border post %(code)s for: %(description)s")
                               % {"code": code, "description": str(perm.description).lower()})
        raise AccessDenied(_("your roles do not allow: %(description)s")
                           % {"description": str(perm.description).lower()})
