from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openbmis.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from openbmis.core import schedule, tasks

        schedule.register_daily(tasks.retention_job, tasks.RETENTION_AT)
