from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "openbmis.statistics"
    label = "statistics"
    verbose_name = "Statistics"

    def ready(self) -> None:
        from openbmis.inspections import signals
        from openbmis.statistics import services

        signals.crossing_recorded.connect(services.on_crossing_recorded, dispatch_uid="statistics.refresh")
