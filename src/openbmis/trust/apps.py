from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "openbmis.trust"
    label = "trust"
    verbose_name = "Trust store"
