from typing import Any

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "openbmis.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from openbmis.audit import services
        from openbmis.core import retention
        from openbmis.core.actors import Actor

        def record_purge(actor: Actor, name: str, after: dict[str, Any]) -> None:
            services.record(actor=actor, action="retention.purge", object_type="retention", object_id=name,
                            after=after)

        retention.set_recorder(record_purge)
