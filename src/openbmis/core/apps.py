from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openbmis.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete, pre_save

        from openbmis.core import installation, schedule, tasks

        schedule.register_daily(tasks.retention_job, tasks.RETENTION_AT)
        # Reference data is read-only at a border-post node: one guard for every service.
        pre_save.connect(installation.guard_save, dispatch_uid="core.installation.guard_save")
        pre_delete.connect(installation.guard_delete, dispatch_uid="core.installation.guard_delete")
