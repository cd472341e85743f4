"""Certificates required for roles: the check when a role is given, the holders' status, and the suspension of
a role whose required certificate is not valid (when configured; applied in accounts.authz)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openbmis.accounts.models import RoleAssignment
from openbmis.accounts.roles import Role
from openbmis.capacity.models import Certificate, Course, RolePrerequisite
from openbmis.core.errors import Conflict

VALID, EXPIRING, EXPIRED, MISSING = "valid", "expiring", "expired", "missing"


def today() -> date:
    return timezone.localdate()


def valid_certificates(user: Any, on: date | None = None) -> dict[str, Certificate]:
    """Course id -> the user's valid certificate for it (the one that lasts longest)."""
    on = on or today()
    found: dict[str, Certificate] = {}
    for cert in Certificate.objects.filter(holder=user, revoked_at__isnull=True, issued_on__lte=on).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)).select_related("course"):
        best = found.get(str(cert.course_id))
        if best is None or (best.expires_on is not None and (cert.expires_on is None
                                                             or cert.expires_on > best.expires_on)):
            found[str(cert.course_id)] = cert
    return found


def required_courses(role: str) -> list[Course]:
    return [p.course for p in RolePrerequisite.objects.filter(role=role).select_related("course")]


def missing_for_role(user: Any, role: str, on: date | None = None) -> list[Course]:
    have = valid_certificates(user, on)
    return [course for course in required_courses(role) if str(course.id) not in have]


def check_role_assignment(user: Any, role: str) -> list[str]:
    """Registered with accounts.services.assign_role: refuse or warn (OPENBMIS_CERTIFICATION_ON_ASSIGN)."""
    missing = missing_for_role(user, role)
    if not missing:
        return []
    codes = ", ".join(course.code for course in missing)
    message = _("%(username)s holds no valid certificate for %(courses)s, which the role %(role)s requires") % {
        "username": user.username, "courses": codes, "role": str(Role(role).label).lower()}
    if settings.OPENBMIS_CERTIFICATION_ON_ASSIGN == "refuse":
        raise Conflict(message, field="role", missing=[course.code for course in missing])
    return [message]


def suspend_uncertified(user: Any, grants: list[Any]) -> list[Any]:
    """Registered with accounts.authz: when OPENBMIS_CERTIFICATE_EXPIRY is 'suspend', a role whose required
    certificate is not valid gives no permissions until a valid one is recorded."""
    if settings.OPENBMIS_CERTIFICATE_EXPIRY != "suspend" or not grants:
        return grants
    required: dict[str, set[str]] = {}
    for role, course_id in RolePrerequisite.objects.filter(role__in={g.role.value for g in grants}).values_list(
            "role", "course_id"):
        required.setdefault(role, set()).add(str(course_id))
    if not required:
        return grants
    have = set(valid_certificates(user))
    return [g for g in grants if required.get(g.role.value, set()) <= have]


@dataclass(frozen=True)
class HolderStatus:
    username: str
    full_name: str
    role: str
    border_post: str | None
    course: str
    status: str  # valid, expiring, expired, missing
    expires_on: date | None


def holders(post_ids: Any = None, on: date | None = None) -> list[HolderStatus]:
    """Every holder of a role that requires certificates, with the status of each required certificate.

    ``post_ids``: None for all; otherwise only holders at those posts (national holders are left out).
    """
    on = on or today()
    warn_until = on + timedelta(days=settings.OPENBMIS_CERTIFICATE_WARN_DAYS)
    prerequisites = list(RolePrerequisite.objects.select_related("course"))
    by_role: dict[str, list[Course]] = {}
    for prerequisite in prerequisites:
        by_role.setdefault(prerequisite.role, []).append(prerequisite.course)
    assignments = RoleAssignment.objects.filter(role__in=by_role).select_related("user", "border_post")
    if post_ids is not None:
        assignments = assignments.filter(border_post_id__in=post_ids)
    rows: list[HolderStatus] = []
    for assignment in assignments.order_by("user__username", "role"):
        user = assignment.user
        latest: dict[str, Certificate] = {}
        for cert in Certificate.objects.filter(holder=user, revoked_at__isnull=True, issued_on__lte=on):
            key = str(cert.course_id)
            known = latest.get(key)
            if known is None or known.expires_on is not None and (cert.expires_on is None
                                                                  or cert.expires_on > known.expires_on):
                latest[key] = cert
        for course in by_role[assignment.role]:
            held = latest.get(str(course.id))
            status: str
            expires: date | None
            if held is None:
                status, expires = MISSING, None
            elif held.expires_on is not None and held.expires_on < on:
                status, expires = EXPIRED, held.expires_on
            elif held.expires_on is not None and held.expires_on <= warn_until:
                status, expires = EXPIRING, held.expires_on
            else:
                status, expires = VALID, held.expires_on
            rows.append(HolderStatus(user.username, user.get_full_name(), assignment.role,
                                     assignment.border_post.code if assignment.border_post else None,
                                     course.code, status, expires))
    return rows
