from django.apps import AppConfig


class WatchlistsConfig(AppConfig):
    name = "openbmis.watchlists"
    label = "watchlists"
    verbose_name = "Watchlists"

    def ready(self) -> None:
        from openbmis.core import retention
        from openbmis.inspections import checks, signals
        from openbmis.watchlists import checkers, services

        checks.register("watchlist", checkers.check_watchlist)
        checks.register("stolen_lost", checkers.check_stolen_lost)
        checks.register_clearance("watchlist", services.inspection_hits_cleared)
        checks.register_clearance("stolen_lost", services.inspection_hits_cleared)
        signals.inspection_started.connect(services.file_inspection_hits, dispatch_uid="watchlists.file_hits")
        retention.register("watchlists", services.purge_expired)
