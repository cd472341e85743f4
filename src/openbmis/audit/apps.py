from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "openbmis.audit"
    label = "audit"
    verbose_name = "Audit trail"
