"""Nodes, enrolment codes, the outbox (at a node), the inbox and the reference-data feed (at headquarters)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel
from openbmis.core.sealing import SealedJSONField


class KeyPair(models.Model):
    """This installation's own Ed25519 key (one row): a node signs what it pushes, headquarters what it publishes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    private_key = models.CharField(max_length=64, help_text=_("raw Ed25519 private key, base64"))
    public_key = models.CharField(max_length=64, help_text=_("raw Ed25519 public key, base64"))
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"key {self.public_key[:12]}..."


class SequenceHead(models.Model):
    """The last number handed out in a stream (``outbox`` at a node, ``feed`` at headquarters).

    Writers lock the row, so numbers are contiguous and in commit order: a reader that has seen N has seen
    everything up to N.
    """

    name = models.CharField(max_length=16, primary_key=True)
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}#{self.last}"


# --- at headquarters ---------------------------------------------------------------------------------------

class Node(UUIDModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")

    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="nodes")
    public_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    clock_skew_seconds = models.FloatField(null=True, blank=True,
                                           help_text=_("the node's clock minus headquarters' at the last exchange"))
    software_version = models.CharField(max_length=32, blank=True)
    received_seq = models.BigIntegerField(default=0, help_text=_("highest outbox number stored here"))
    applied_seq = models.BigIntegerField(default=0, help_text=_("every outbox number up to this one is applied"))
    node_backlog = models.BigIntegerField(default=0, help_text=_("records the node had not sent, as it reported"))
    feed_version = models.BigIntegerField(default=0, help_text=_("reference-data version the node has applied"))
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["border_post__code", "enrolled_at"]
        verbose_name = _("node")

    def __str__(self) -> str:
        return f"node {self.id} ({self.border_post_id})"


class EnrolmentCode(UUIDModel):
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.CharField(max_length=150)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    node = models.ForeignKey(Node, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"enrolment code for {self.border_post_id}"


class InboxRecord(models.Model):
    """One record a node sent, stored as received, then applied in the node's order."""

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="inbox")
    seq = models.BigIntegerField()
    model = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64)
    op = models.CharField(max_length=8, default="save")
    data = SealedJSONField()  # whole rows, with numbers and secrets: sealed
    received_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "seq"], name="inbox_node_seq")]
        indexes = [models.Index(fields=["node", "applied_at", "seq"], name="inbox_pending")]

    def __str__(self) -> str:
        return f"{self.node_id}#{self.seq}"


class RemoteAuditEvent(models.Model):
    """An audit event of a node, kept as the node chained it (verified per origin)."""

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="audit_events")
    event_id = models.UUIDField(unique=True)
    seq = models.BigIntegerField()
    at = models.DateTimeField()
    action = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    data = models.JSONField()

    class Meta:
        ordering = ["node", "seq"]
        constraints = [models.UniqueConstraint(fields=["node", "seq"], name="remote_audit_node_seq")]

    def __str__(self) -> str:
        return f"{self.node_id} #{self.seq} {self.action}"


class RecordAlias(models.Model):
    """A node's record that headquarters folded into another (the same passport seen at two offline posts)."""

    model = models.CharField(max_length=100)
    from_id = models.CharField(max_length=64)
    to_id = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model", "from_id"], name="alias_unique")]

    def __str__(self) -> str:
        return f"{self.model} {self.from_id} -> {self.to_id}"


class FeedChange(models.Model):
    """One change of reference data published by headquarters, numbered in commit order."""

    version = models.BigIntegerField(primary_key=True)
    model = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64)
    op = models.CharField(max_length=8)  # save | delete | fold
    data = SealedJSONField(null=True)  # whole rows, with numbers and secrets: sealed
    at = models.DateTimeField()
    to_post = models.CharField(max_length=16, blank=True, default="",
                               help_text=_("the post whose node alone receives this change; empty: every node"))

    class Meta:
        ordering = ["version"]
        # the retention of superseded changes looks for a newer change of the same record
        indexes = [models.Index(fields=["model", "record_id", "to_post", "version"], name="feed_record")]

    def __str__(self) -> str:
        return f"v{self.version} {self.op} {self.model}:{self.record_id}"


# --- at a node -----------------------------------------------------------------------------------------------

class OutboxRecord(models.Model):
    """A record this node wrote, queued for headquarters in the transaction of the write."""

    seq = models.BigIntegerField(primary_key=True)
    model = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64)
    op = models.CharField(max_length=8, default="save")
    data = SealedJSONField()  # whole rows, with numbers and secrets: sealed
    created_at = models.DateTimeField(db_index=True)
    acked_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"outbox #{self.seq} {self.model}:{self.record_id}"


class Enrolment(models.Model):
    """This node's enrolment at headquarters (one row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    node_id = models.UUIDField()
    hq_url = models.CharField(max_length=300)
    hq_public_key = models.CharField(max_length=64)
    border_post_code = models.CharField(max_length=16)
    enrolled_at = models.DateTimeField()
    feed_version = models.BigIntegerField(default=0)
    lists_as_of = models.DateTimeField(null=True, blank=True, help_text=_("headquarters' time of the last pull"))
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    clock_skew_seconds = models.FloatField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"enrolled as {self.node_id} at {self.hq_url}"
