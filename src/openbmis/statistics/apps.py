from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "openbmis.statistics"
    label = "statistics"
    verbose_name = "Statistics"

    def ready(self) -> None:
        from openbmis.inspections import signals
        from openbmis.statistics import services
        from openbmis.travellers import signals as travellers_signals

        signals.crossing_recorded.connect(services.on_crossing_recorded, dispatch_uid="statistics.refresh")
        travellers_signals.identity_rectified.connect(services.on_identity_rectified,
                                                      dispatch_uid="statistics.rectified")
