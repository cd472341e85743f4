from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "openbmis.capacity"
    label = "capacity"
    verbose_name = "Capacity building: assessments, training, equipment"

    def ready(self) -> None:
        from openbmis.accounts import authz
        from openbmis.accounts import services as accounts
        from openbmis.capacity import certification

        accounts.register_role_check(certification.check_role_assignment)
        authz.register_grant_filter(certification.suspend_uncertified)
        from openbmis.borderposts.views import register_post_panel
        from openbmis.capacity.views import post_panel

        register_post_panel(post_panel)
