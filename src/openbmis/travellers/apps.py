from django.apps import AppConfig


class TravellersConfig(AppConfig):
    name = "openbmis.travellers"
    label = "travellers"
    verbose_name = "Travellers"
