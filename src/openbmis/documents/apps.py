from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "openbmis.documents"
    label = "documents"
    verbose_name = "Travel documents"

    def ready(self) -> None:
        from openbmis.documents import matching
        from openbmis.inspections import checks

        checks.register("document_alerts", matching.check_document_alerts)
