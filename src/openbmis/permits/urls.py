from django.urls import path

from openbmis.permits import views

app_name = "permits"
urlpatterns = [
    path("permits/", views.rules, name="rules"),
    path("permits/rules/new/", views.rule_edit, name="rule_new"),
    path("permits/rules/<uuid:rule_id>/", views.rule_edit, name="rule_edit"),
    path("permits/visas/", views.visas, name="visas"),
    path("permits/visas/new/", views.visa_new, name="visa_new"),
    path("permits/visas/import/", views.evisa_import, name="evisa_import"),
    path("permits/residence/new/", views.permit_new, name="permit_new"),
    path("permits/bans/", views.bans, name="bans"),
    path("permits/bans/new/", views.ban_new, name="ban_new"),
    path("permits/bans/<uuid:ban_id>/lift/", views.ban_lift, name="ban_lift"),
    path("permits/extend/<uuid:traveller_id>/", views.extend, name="extend"),
    path("overstays/", views.overstays, name="overstays"),
    path("overstays/export.csv", views.overstays_csv, name="overstays_csv"),
    path("overstays/detect/", views.detect, name="detect"),
]
