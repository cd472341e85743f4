"""Border posts and lanes."""

from __future__ import annotations

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel

POST_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("unknown time zone %(tz)s"), params={"tz": value}) from None


class BorderPost(UUIDModel):
    class Kind(models.TextChoices):
        AIR = "air", _("Airport")
        LAND = "land", _("Land crossing")
        SEA = "sea", _("Seaport")
        RAIL = "rail", _("Rail crossing")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Temporarily suspended")
        CLOSED = "closed", _("Closed")

    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        validators=[RegexValidator(POST_CODE_RE, _("2-16 capital letters, digits or hyphens"))],
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    country = models.CharField(
        _("country"),
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("ICAO three-letter code"))],
        help_text=_("ICAO 9303 three-letter code of the state the post belongs to"),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    neighbour_country = models.CharField(_("neighbouring country"), max_length=3, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("border post")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Lane(UUIDModel):
    class Direction(models.TextChoices):
        ENTRY = "entry", _("Entry")
        EXIT = "exit", _("Exit")
        BOTH = "both", _("Entry and exit")

    border_post = models.ForeignKey(BorderPost, on_delete=models.CASCADE, related_name="lanes")
    code = models.CharField(_("code"), max_length=16, validators=[RegexValidator(r"^[A-Za-z0-9-]{1,16}$")])
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["border_post__code", "code"]
        constraints = [models.UniqueConstraint(fields=["border_post", "code"], name="unique_lane_code_per_post")]

    def __str__(self) -> str:
        return f"{self.border_post.code}/{self.code}"
