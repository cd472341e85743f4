from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "openbmis.documents"
    label = "documents"
    verbose_name = "Travel documents"
