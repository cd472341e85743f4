from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "openbmis.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        from openbmis.retention import rules

        rules.register_all()
