"""Roles, permissions and API-token scopes: the one table that decides who may do what.

A user holds roles *at* a border post or nationally (no post).  A permission is granted
by a set of roles; for a post-scoped permission the role must be held at that post or
nationally.  An API token narrows its user's permissions to its scopes: each permission
names the scope a token needs for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    PRIMARY_OFFICER = "primary_officer"
    SECONDARY_OFFICER = "secondary_officer"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"
    PREARRIVAL_OFFICER = "prearrival_officer"
    ASSESSOR = "assessor"
    TRAINING_COORDINATOR = "training_coordinator"
    DOCUMENT_EXAMINER = "document_examiner"
    DOCUMENT_EXPERT = "document_expert"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.PRIMARY_OFFICER: _("Primary officer"),
    Role.SECONDARY_OFFICER: _("Secondary officer"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.ANALYST: _("Analyst"),
    Role.ADMINISTRATOR: _("Administrator"),
    Role.AUDITOR: _("Auditor"),
    Role.PREARRIVAL_OFFICER: _("Pre-arrival (targeting) officer"),
    Role.ASSESSOR: _("Assessor"),
    Role.TRAINING_COORDINATOR: _("Training coordinator"),
    Role.DOCUMENT_EXAMINER: _("Document examiner"),
    Role.DOCUMENT_EXPERT: _("Document expert (national)"),
}

# Roles whose holders must log in with a second factor.
TWO_FACTOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})

OFFICERS = frozenset({Role.PRIMARY_OFFICER, Role.SECONDARY_OFFICER, Role.SUPERVISOR})
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Permission:
    name: str
    roles: frozenset[Role]
    scope: str  # the API-token scope that carries it
    post_scoped: bool  # True: held per border post; False: national only
    description: str | Promise  # shown in the reader's language (a refusal names what was refused)


_PERMISSIONS = [
    Permission("borderposts.view", EVERYONE, "borderposts:read", True, _("See border posts and their lanes")),
    Permission(
        "borderposts.manage", frozenset({Role.ADMINISTRATOR}), "borderposts:write", False,
        _("Create and change border posts"),
    ),
    Permission("accounts.manage", frozenset({Role.ADMINISTRATOR}), "accounts:write", False, _("Manage users and roles")),
    Permission("audit.view", frozenset({Role.AUDITOR}), "audit:read", False, _("Search and verify the audit trail")),
    Permission(
        "retention.view", frozenset({Role.ADMINISTRATOR, Role.AUDITOR}), "retention:read", False,
        _("See the retention rules, what the next run would delete, and the legal holds"),
    ),
    Permission(
        "retention.manage", frozenset({Role.ADMINISTRATOR, Role.AUDITOR}), "retention:write", False,
        _("Place and lift legal holds; run the retention purge"),
    ),
    Permission(
        "travellers.erase", frozenset({Role.ADMINISTRATOR}), "travellers:erase", False,
        _("Erase everything held on a traveller (the right to erasure)"),
    ),
    Permission(
        "identities.view", OFFICERS | {Role.DOCUMENT_EXAMINER}, "identities:read", True,
        _("See travellers' identities (analysts only when granted)"),
    ),
    Permission(
        "documents.check", OFFICERS, "documents:check", True,
        _("Read travel documents (MRZ, chip) at the counter"),
    ),
    Permission(
        "inspections.primary", OFFICERS, "inspections:write", True,
        _("Inspect travellers at the counter and decide admit, refuse or refer"),
    ),
    Permission(
        "inspections.secondary", frozenset({Role.SECONDARY_OFFICER, Role.SUPERVISOR}), "inspections:write", True,
        _("Work the secondary inspection queue and decide referred travellers"),
    ),
    Permission(
        "inspections.override",
        frozenset(Role(name) for name in getattr(settings, "OPENBMIS_OVERRIDE_ROLES", ("supervisor",))),
        "inspections:override", True,
        _("Admit over a blocking check (pending hit, entry ban, failed chip) with a written reason; void inspections"),
    ),
    Permission(
        "travellers.manage", frozenset({Role.SUPERVISOR}), "travellers:write", True,
        _("Merge and split traveller identities"),
    ),
    Permission(
        "travellers.rectify", frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR}), "travellers:write", True,
        _("Request, approve or reject the correction of a traveller's identity data (four eyes)"),
    ),
    Permission(
        "trust.view", frozenset({Role.ADMINISTRATOR}), "trust:read", False,
        _("See the ePassport trust store (CSCAs, DSCs, CRLs, master lists) and its import history"),
    ),
    Permission(
        "trust.manage", frozenset({Role.ADMINISTRATOR}), "trust:write", False,
        _("Import, expire and remove trust-store entries"),
    ),
    Permission(
        "statistics.view", frozenset({Role.ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR}), "statistics:read", True,
        _("See aggregate statistics"),
    ),
    Permission(
        "watchlists.view", frozenset({Role.ADMINISTRATOR}), "watchlists:read", False,
        _("See the watchlists, their entries and import history"),
    ),
    Permission(
        "watchlists.manage", frozenset({Role.ADMINISTRATOR}), "watchlists:write", False,
        _("Create watchlists and import, preview and commit their versions"),
    ),
    Permission(
        "hits.adjudicate", frozenset({Role.SECONDARY_OFFICER, Role.SUPERVISOR}), "hits:write", True,
        _("Work the watchlist hit queue and judge hits (match, no match, unsure)"),
    ),
    Permission(
        "screening.search", OFFICERS, "screening:search", True,
        _("Search the watchlists ad hoc (name, birth date, nationality, document)"),
    ),
    Permission(
        "permits.view", OFFICERS | {Role.ANALYST, Role.ADMINISTRATOR}, "permits:read", True,
        _("See visa policy rules, the visa and permit registry and entry bans"),
    ),
    Permission(
        "permits.manage", frozenset({Role.ADMINISTRATOR}), "permits:write", False,
        _("Edit visa policy rules, register visas and permits, import e-visas, grant extensions, impose bans"),
    ),
    Permission(
        "overstays.view", frozenset({Role.ANALYST, Role.SUPERVISOR}), "overstays:read", True,
        _("See and export the overstay list and run the overstay detection"),
    ),
    Permission(
        "tokens.manage", EVERYONE, "tokens:manage", True,
        _("List and revoke your own API tokens (an API token needs this scope to do it)"),
    ),
    Permission("network.view", frozenset({Role.ADMINISTRATOR}), "network:read", False,
               _("See the border-post nodes and their synchronisation")),
    Permission("network.manage", frozenset({Role.ADMINISTRATOR}), "network:write", False,
               _("Issue enrolment codes and revoke border-post nodes")),
    Permission(
        "manifests.view", frozenset({Role.PREARRIVAL_OFFICER, Role.SUPERVISOR, Role.ANALYST}), "manifests:read", True,
        _("See passenger manifests (API) of arriving flights, their reconciliation and carriers' compliance"),
    ),
    Permission(
        "manifests.submit", frozenset({Role.ADMINISTRATOR}), "manifests:submit", False,
        _("Submit PAXLST manifests on a carrier's behalf (carriers' own accounts submit their own flights)"),
    ),
    Permission(
        "carriers.manage", frozenset({Role.ADMINISTRATOR}), "carriers:write", False,
        _("Register carriers and arrival airports"),
    ),
    Permission(
        "prearrival.adjudicate", frozenset({Role.PREARRIVAL_OFFICER, Role.SUPERVISOR}), "prearrival:write", True,
        _("Work the pre-arrival queue and judge hits found on manifests (match, no match, unsure)"),
    ),
    Permission(
        "capacity.view", frozenset({Role.ASSESSOR, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.ANALYST,
                                    Role.TRAINING_COORDINATOR}), "capacity:read", True,
        _("See capacity assessments, action plans and the equipment register of a border post"),
    ),
    Permission(
        "capacity.assess", frozenset({Role.ASSESSOR}), "capacity:write", True,
        _("Carry out capacity assessments of a border post: answers, findings, action plan"),
    ),
    Permission(
        "equipment.manage", frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR}), "capacity:write", True,
        _("Keep the equipment register of a border post"),
    ),
    Permission(
        "training.view", frozenset({Role.TRAINING_COORDINATOR, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.ASSESSOR}),
        "training:read", True,
        _("See courses, training sessions and officers' certificates"),
    ),
    Permission(
        "training.manage", frozenset({Role.TRAINING_COORDINATOR}), "training:write", False,
        _("Manage courses and sessions, enrol participants, record results and issue certificates"),
    ),
    Permission(
        "training.prerequisites", frozenset({Role.ADMINISTRATOR}), "training:write", False,
        _("Require valid certificates for a role"),
    ),
    Permission(
        "documents.library", OFFICERS | {Role.DOCUMENT_EXAMINER, Role.DOCUMENT_EXPERT}, "documents:read", True,
        _("See the reference library of genuine documents and the fraud alerts"),
    ),
    Permission(
        "documents.manage", frozenset({Role.DOCUMENT_EXPERT}), "documents:write", False,
        _("Maintain the reference library and publish, change and withdraw fraud alerts"),
    ),
    Permission(
        "documents.examine", frozenset({Role.DOCUMENT_EXAMINER, Role.SUPERVISOR}), "documents:examine", True,
        _("Record document examinations at secondary (findings, verdict, images)"),
    ),
]
PERMISSIONS: dict[str, Permission] = {p.name: p for p in _PERMISSIONS}
SCOPES: frozenset[str] = frozenset(p.scope for p in _PERMISSIONS)


def scopes_of(roles: set[str] | frozenset[str]) -> frozenset[str]:
    """The API-token scopes that the given roles carry (a token can only narrow what its user may do)."""
    held = {Role(r) for r in roles if r in Role._value2member_map_}
    return frozenset(p.scope for p in _PERMISSIONS if p.roles & held)


#: Roles whose work is at one border post (the counter, secondary, the post's supervision, examination): held
#: nationally they reach every post, which an administrator must confirm. Analysts, assessors and pre-arrival
#: officers often work nationally by design.
POST_ROLES = frozenset({Role.PRIMARY_OFFICER, Role.SECONDARY_OFFICER, Role.SUPERVISOR, Role.DOCUMENT_EXAMINER})


def is_post_role(role: str) -> bool:
    return role in {r.value for r in POST_ROLES}


def permission(name: str) -> Permission:
    try:
        return PERMISSIONS[name]
    except KeyError:
        raise KeyError(f"unknown permission {name!r}") from None
