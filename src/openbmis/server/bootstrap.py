"""What a fresh database needs before the first request: this installation's record (headquarters or the node
of one post), made once from ``OPENBMIS_INSTALLATION`` and audited. Here, not in ``core``, because it writes
to the audit trail and ``core`` depends on no app."""

from __future__ import annotations

from django.db import transaction

from openbmis.audit import services as audit
from openbmis.core.installation import configured
from openbmis.core.models import Installation


def ensure_installation() -> Installation:
    existing = Installation.objects.first()
    if existing is not None:
        return existing
    configured_value = configured()
    with transaction.atomic():
        if configured_value == "hq":
            installation = Installation.objects.create(kind=Installation.Kind.HQ)
        else:
            installation = Installation.objects.create(
                kind=Installation.Kind.BCP, border_post_code=configured_value.split(":", 1)[1]
            )
        audit.record(actor=audit.SYSTEM, action="installation.create", object_type="installation",
                     object_id=str(installation.id), object_label=str(installation), after=audit.snapshot(installation))
    return installation
