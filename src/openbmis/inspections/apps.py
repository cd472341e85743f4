from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "openbmis.inspections"
    label = "inspections"
    verbose_name = "Inspections"

    def ready(self) -> None:
        from openbmis.inspections import checkers, checks

        checks.register("mrz", checkers.check_mrz)
        checks.register("document", checkers.check_document)
        checks.register("history", checkers.check_history)
        checks.register("chip", checkers.check_chip)
