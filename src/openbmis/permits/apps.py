from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "openbmis.permits"
    label = "permits"
    verbose_name = "Visas, permits and stay"

    def ready(self) -> None:
        from openbmis.core import schedule
        from openbmis.inspections import checks, signals
        from openbmis.permits import checkers, services, tasks
        from openbmis.travellers import signals as travellers_signals

        checks.register("visa", checkers.check_visa)
        checks.register("stay", checkers.check_stay)
        checks.register("entry_ban", checkers.check_entry_ban)
        signals.crossing_recorded.connect(services.on_crossing_recorded, dispatch_uid="permits.crossing_recorded")
        signals.crossings_bulk_loaded.connect(services.on_crossings_bulk_loaded, dispatch_uid="permits.bulk_loaded")
        schedule.register_daily(tasks.detect_overstays_job, tasks.DAILY_AT)
        travellers_signals.crossings_moved.connect(services.on_crossings_moved, dispatch_uid="permits.crossings_moved")
