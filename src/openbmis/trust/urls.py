from django.urls import path

from openbmis.trust import views

app_name = "trust"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("import/", views.import_upload, name="import"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<uuid:import_id>/", views.import_detail, name="import_detail"),
    path("entries/<uuid:entry_id>/", views.entry_detail, name="detail"),
    path("entries/<uuid:entry_id>/expire/", views.entry_expire, name="expire"),
    path("entries/<uuid:entry_id>/remove/", views.entry_remove, name="remove"),
]
