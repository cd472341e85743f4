"""Roll-up tables: counts of crossings, refusals, referrals and watchlist hits per day and post.

They are derived data: ``openbmis statistics rebuild`` recreates them from the raw records, and
``openbmis statistics check`` proves that their totals equal the raw records. The dashboard, the API,
the exports and the monthly report read only these tables.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeGroup(models.TextChoices):
    """Broad age groups at the day of crossing (the UN's 15-year band for children, then ten-year bands)."""

    CHILD = "0-14", _("0-14")
    Y15 = "15-24", _("15-24")
    Y25 = "25-34", _("25-34")
    Y35 = "35-44", _("35-44")
    Y45 = "45-54", _("45-54")
    Y55 = "55-64", _("55-64")
    Y65 = "65+", _("65 and over")
    UNKNOWN = "unknown", _("Unknown")


# Lower bounds (years) of each group, in order; used to build the SQL CASE.
AGE_BOUNDS: list[tuple[int, str]] = [
    (65, AgeGroup.Y65), (55, AgeGroup.Y55), (45, AgeGroup.Y45), (35, AgeGroup.Y35), (25, AgeGroup.Y25),
    (15, AgeGroup.Y15), (0, AgeGroup.CHILD),
]


class FlowCount(models.Model):
    """Crossings per local day, post and every dimension the dashboard groups or filters by."""

    day = models.DateField(help_text=_("the post's calendar day (the crossing's local_date)"))
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=5)
    decision = models.CharField(max_length=6)
    nationality = models.CharField(max_length=3)
    document_code = models.CharField(max_length=2)
    sex = models.CharField(max_length=1)
    age_group = models.CharField(max_length=8)
    purpose = models.CharField(max_length=12)
    travel_mode = models.CharField(max_length=8)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "border_post"], name="stat_flow_day_post"),
            models.Index(fields=["border_post", "day"], name="stat_flow_post_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.direction}/{self.decision}: {self.count}"


class FlowDay(models.Model):
    """FlowCount without sex, age, purpose and travel mode: the small table most panels read."""

    day = models.DateField()
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=5)
    decision = models.CharField(max_length=6)
    nationality = models.CharField(max_length=3)
    document_code = models.CharField(max_length=2)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "border_post"], name="stat_flowday_day_post")]

    def __str__(self) -> str:
        return f"{self.day} {self.direction}/{self.decision}: {self.count}"


class FlowDim(models.Model):
    """FlowCount without citizenship, in three groupings (sex and age; purpose; travel mode): what the
    breakdown panels read when no citizenship is chosen. Columns outside the row's grouping are empty."""

    class Grouping(models.TextChoices):
        SEX_AGE = "sex_age"
        PURPOSE = "purpose"
        TRAVEL_MODE = "travel_mode"

    grouping = models.CharField(max_length=12, choices=Grouping.choices)
    day = models.DateField()
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=5)
    decision = models.CharField(max_length=6)
    document_code = models.CharField(max_length=2)
    sex = models.CharField(max_length=1, blank=True)
    age_group = models.CharField(max_length=8, blank=True)
    purpose = models.CharField(max_length=12, blank=True)
    travel_mode = models.CharField(max_length=8, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["grouping", "day", "border_post"], name="stat_flowdim_day_post")]

    def __str__(self) -> str:
        return f"{self.grouping} {self.day}: {self.count}"


class RefusalCount(models.Model):
    """Refused crossings per day, post and ground of refusal (one crossing counts once per ground)."""

    day = models.DateField()
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=5)
    nationality = models.CharField(max_length=3)
    document_code = models.CharField(max_length=2)
    reason = models.CharField(max_length=8, help_text=_("refusal reason code; empty when none was given"))
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "border_post"], name="stat_refusal_day_post")]

    def __str__(self) -> str:
        return f"{self.day} {self.reason}: {self.count}"


class ReferralCount(models.Model):
    """Referrals to secondary inspection per day referred (at the post), post and outcome."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ADMITTED = "admitted", _("Admitted")
        REFUSED = "refused", _("Refused")

    day = models.DateField()
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=5)
    nationality = models.CharField(max_length=3)
    document_code = models.CharField(max_length=2)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "border_post"], name="stat_referral_day_post")]

    def __str__(self) -> str:
        return f"{self.day} {self.outcome}: {self.count}"


class HitCount(models.Model):
    """Watchlist hits per day filed (at the post), post and judgement: counts only, never identities."""

    day = models.DateField()
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=5, blank=True)
    nationality = models.CharField(max_length=3)
    document_code = models.CharField(max_length=2, blank=True)
    status = models.CharField(max_length=8)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "border_post"], name="stat_hit_day_post")]

    def __str__(self) -> str:
        return f"{self.day} {self.status}: {self.count}"


class OverstayCount(models.Model):
    """Overstays (from the permits capability) per first day overstayed, post of entry and status."""

    day = models.DateField(help_text=_("the first day past the permitted stay"))
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    nationality = models.CharField(max_length=3)
    document_code = models.CharField(max_length=2, blank=True)
    status = models.CharField(max_length=8)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "border_post"], name="stat_overstay_day_post")]

    def __str__(self) -> str:
        return f"{self.day} {self.status}: {self.count}"


class LateDay(models.Model):
    """A day that received crossings older than the watermark (a border post's records arriving after days
    offline: their ids are from the time they were made): the next refresh recomputes it."""

    day = models.DateField(primary_key=True)

    def __str__(self) -> str:
        return f"late crossings on {self.day}"


class RollupState(models.Model):
    """The one row that says how far the roll-ups have read (the watermark)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_crossing_id = models.UUIDField(null=True, blank=True, help_text=_("the newest crossing id rolled up"))
    last_referral_id = models.UUIDField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    frozen_before = models.DateField(
        null=True, blank=True,
        help_text=_("days before this one are no longer recomputed from the raw records: retention erased some of "
                    "them, their roll-ups keep the figures (docs/statistics.md)"))

    def __str__(self) -> str:
        return f"roll-ups up to {self.last_crossing_id}"


class MonthlyReport(models.Model):
    """A generated monthly report (PDF), kept so that the scheduled one can be downloaded later."""

    month = models.DateField(help_text=_("the first day of the month"))
    border_post = models.ForeignKey("borderposts.BorderPost", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text=_("empty: the national report"))
    suppressed = models.BooleanField(help_text=_("small cells suppressed"))
    pdf = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-month", "-created_at"]

    def __str__(self) -> str:
        return f"report {self.month:%Y-%m}"
