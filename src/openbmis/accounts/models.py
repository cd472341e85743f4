"""Users, role assignments and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openbmis.accounts.roles import Role
from openbmis.core.ids import uuid7
from openbmis.core.sealing import SealedTextField


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    totp_secret = SealedTextField(blank=True)  # sealed at rest (core/sealing.py)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0, help_text=_("last accepted TOTP time step (no replay)"))
    # A first enrolment (or one after a reset) needs a one-time code an administrator issued; only its hash is kept.
    totp_enrolment_hash = models.CharField(max_length=64, blank=True)
    totp_enrolment_expires_at = models.DateTimeField(null=True, blank=True)
    can_view_identities = models.BooleanField(
        _("may see identities"), default=False,
        help_text=_("Lets an analyst see travellers' identities, not only aggregates."),
    )

    class Meta:
        ordering = ["username"]

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class RoleAssignment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=[(r.value, r.label) for r in Role])
    border_post = models.ForeignKey(
        "borderposts.BorderPost", null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments",
        help_text=_("empty: the role is held nationally"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "border_post"], name="unique_role_at_post"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(border_post__isnull=True), name="unique_national_role"
            ),
        ]

    def __str__(self) -> str:
        where = self.border_post.code if self.border_post is not None else "national"
        return f"{self.user.username}: {self.role} @ {where}"


class ApiToken(models.Model):
    """A bearer token. Only a hash of the secret is stored; the token is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)



class LoginThrottle(models.Model):
    """Failed logins counted per client address, for one account (``username``) or for all (``username`` empty).

    An account is locked only for the address its failures came from, so that a stranger cannot lock out the
    account's owner; an address that fails too often across accounts is refused altogether. The address is
    kept as a hash (no addresses in the database).
    """

    address_hash = models.CharField(max_length=64)
    username = models.CharField(max_length=150, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address_hash", "username"], name="unique_throttle_per_address"),
        ]

    def __str__(self) -> str:
        return f"{self.address_hash[:12]}/{self.username or '*'}: {self.failures}"

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()
