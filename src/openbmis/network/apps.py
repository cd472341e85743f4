from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "openbmis.network"
    label = "network"
    verbose_name = "Network"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from openbmis.core import bulk, retention
        from openbmis.inspections import checks
        from openbmis.network import capture, housekeeping, services

        # One hook for every model: a new app's records are synchronised without touching this one.
        post_save.connect(capture.on_saved, dispatch_uid="network.capture.saved")
        post_delete.connect(capture.on_deleted, dispatch_uid="network.capture.deleted")
        bulk.rows_updated.connect(capture.on_rows_updated, dispatch_uid="network.capture.rows_updated")
        # At a node, checks answered from the local copy of headquarters' lists say how old it is.
        checks.annotate_with(services.annotate_lists_age)
        retention.register("network", services.purge_acknowledged)
        # After the outbox copies (sorted by name): a copy already purged was acknowledged.
        retention.register("network-node", housekeeping.purge_own_records)
