from django.apps import AppConfig


class ManifestsConfig(AppConfig):
    name = "openbmis.manifests"
    label = "manifests"
    verbose_name = "Advance passenger information"

    def ready(self) -> None:
        from openbmis.inspections import checks, signals
        from openbmis.manifests import checkers, services
        from openbmis.watchlists import matching

        checks.register("advance", checkers.check_advance)
        matching.remember_from(services.prearrival_no_match)
        signals.inspection_started.connect(services.on_inspection_started, dispatch_uid="manifests.arrival")
