"""Capacity building: assessment templates and assessments of border posts, findings and their action plan,
the equipment register, courses, sessions, enrolments and certificates, and certificates required for roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openbmis.accounts.roles import Role
from openbmis.core.models import UUIDModel


class AssessmentTemplate(UUIDModel):
    """One version of a questionnaire. A published version is never changed: a change is a new version."""

    code = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    content = models.JSONField(help_text="sections, questions, weights, tags and sources (see capacity/template.py)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="unique_template_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Assessment(UUIDModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    template = models.ForeignKey(AssessmentTemplate, on_delete=models.PROTECT, related_name="assessments")
    border_post = models.ForeignKey("borderposts.BorderPost", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="assessments", help_text=_("empty: the national level"))
    visit_date = models.DateField(_("visit date"))
    team = models.CharField(_("team"), max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    prefill = models.JSONField(default=dict, help_text="what the system knew about the post when the visit began")
    answers = models.JSONField(default=dict, help_text="question code -> {value, note}")
    scores = models.JSONField(default=dict, help_text="per section and overall, 0-100")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-visit_date", "-created_at"]

    @property
    def where(self) -> str:
        return self.border_post.code if self.border_post is not None else "national"


class Photo(UUIDModel):
    """A photo taken as evidence for one question of an assessment (stored in the database: it travels)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="photos")
    question = models.CharField(max_length=40)
    content_type = models.CharField(max_length=40)
    data = models.BinaryField()
    caption = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Course(UUIDModel):
    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")
        TRAINER = "trainer", _("Training of trainers")

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    topics = models.JSONField(default=list, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.BASIC)
    hours = models.PositiveIntegerField(_("hours"))
    validity_months = models.PositiveIntegerField(_("certificate valid (months)"), null=True, blank=True,
                                                  help_text=_("empty: the certificate does not expire"))

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Finding(UUIDModel):
    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    section = models.CharField(max_length=40, blank=True)
    question = models.CharField(max_length=40, blank=True)
    text = models.TextField()
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    recommendation = models.TextField(blank=True)
    courses = models.ManyToManyField(Course, blank=True, related_name="findings",
                                     help_text=_("courses that would close the gap"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class ActionItem(UUIDModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=120)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    cost_estimate = models.DecimalField(_("cost estimate"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField(_("evidence of completion"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "created_at"]


class Equipment(UUIDModel):
    class Kind(models.TextChoices):
        DOCUMENT_READER = "document_reader", _("Document reader")
        UV_LAMP = "uv_lamp", _("UV lamp")
        IR_VIEWER = "ir_viewer", _("IR viewer")
        MAGNIFIER = "magnifier", _("Magnifier")
        CAMERA = "camera", _("Camera")
        FINGERPRINT = "fingerprint_scanner", _("Fingerprint scanner")
        COMPUTER = "computer", _("Computer")
        UPS = "ups", _("Uninterruptible power supply")
        GENERATOR = "generator", _("Generator")
        NETWORK = "network", _("Network link")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        WORKING = "working", _("Working")
        FAULTY = "faulty", _("Faulty")
        RETIRED = "retired", _("Retired")

    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="equipment")
    lane = models.ForeignKey("borderposts.Lane", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="equipment")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    model = models.CharField(_("model"), max_length=120, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WORKING)
    last_maintenance = models.DateField(_("last maintenance"), null=True, blank=True)

    class Meta:
        ordering = ["border_post__code", "kind", "serial_number"]


class Institution(UUIDModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=3, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TrainingSession(UUIDModel):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="sessions")
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    border_post = models.ForeignKey("borderposts.BorderPost", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="training_sessions", help_text=_("the post it is planned for"))

    class Meta:
        ordering = ["-starts_on"]


class Enrolment(UUIDModel):
    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="enrolments")
    external_name = models.CharField(max_length=200, blank=True, help_text=_("a participant who is not a user"))
    external_organisation = models.CharField(max_length=200, blank=True)
    attended = models.BooleanField(null=True)
    result = models.CharField(max_length=8, choices=Result.choices, default=Result.PENDING)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], condition=models.Q(user__isnull=False),
                                               name="unique_user_per_session")]

    @property
    def participant(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.username
        return self.external_name


class Certificate(UUIDModel):
    number = models.CharField(max_length=32, unique=True)
    verification_code = models.CharField(max_length=16)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="certificates")
    holder_name = models.CharField(max_length=200)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "number"]


class RolePrerequisite(UUIDModel):
    """A course whose valid certificate a role requires."""

    role = models.CharField(max_length=32, choices=[(r.value, r.label) for r in Role])
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="required_for")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "course__code"]
        constraints = [models.UniqueConstraint(fields=["role", "course"], name="unique_prerequisite")]
