from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "openbmis.permits"
    label = "permits"
    verbose_name = "Visas, permits and stay"

    def ready(self) -> None:
        from openbmis.core import schedule
        from openbmis.inspections import checks, signals
        from openbmis.permits import checkers, services, tasks

        checks.register("visa", checkers.check_visa)
        checks.register("stay", checkers.check_stay)
        checks.register("entry_ban", checkers.check_entry_ban)
        signals.crossing_recorded.connect(services.on_crossing_recorded, dispatch_uid="permits.crossing_recorded")
        schedule.register_daily(tasks.detect_overstays_job, tasks.DAILY_AT)
