"""This installation's identity (headquarters or one border-post node), made once."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from openbmis.audit import services as audit
from openbmis.core.models import Installation


def ensure_installation() -> Installation:
    existing = Installation.objects.first()
    if existing is not None:
        return existing
    configured: str = settings.OPENBMIS_INSTALLATION
    with transaction.atomic():
        if configured == "hq":
            installation = Installation.objects.create(kind=Installation.Kind.HQ)
        else:
            installation = Installation.objects.create(
                kind=Installation.Kind.BCP, border_post_code=configured.split(":", 1)[1]
            )
        audit.record(actor=audit.SYSTEM, action="installation.create", object_type="installation",
                     object_id=str(installation.id), object_label=str(installation), after=audit.snapshot(installation))
    return installation
