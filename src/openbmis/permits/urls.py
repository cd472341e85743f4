"""The permits' pages, one list per prefix that server/urls.py gives them, all reversed as ``permits:``."""

from django.urls import path

from openbmis.permits import views

app_name = "permits"
# permits/: visa rules, visas, residence permits, entry bans, extensions
permits = [
    path("", views.rules, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/<uuid:rule_id>/", views.rule_edit, name="rule_edit"),
    path("visas/", views.visas, name="visas"),
    path("visas/new/", views.visa_new, name="visa_new"),
    path("visas/import/", views.evisa_import, name="evisa_import"),
    path("residence/new/", views.permit_new, name="permit_new"),
    path("bans/", views.bans, name="bans"),
    path("bans/new/", views.ban_new, name="ban_new"),
    path("bans/<uuid:ban_id>/lift/", views.ban_lift, name="ban_lift"),
    path("extend/<uuid:traveller_id>/", views.extend, name="extend"),
]
# overstays/: the overstayers, their export and detection
overstays = [
    path("", views.overstays, name="overstays"),
    path("export.csv", views.overstays_csv, name="overstays_csv"),
    path("detect/", views.detect, name="detect"),
]
