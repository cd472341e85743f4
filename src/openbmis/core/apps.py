from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openbmis.core"
    label = "core"
    verbose_name = "Core"
