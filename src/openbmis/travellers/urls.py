"""The travellers' pages, relative to the prefix server/urls.py gives them (``travellers/``)."""

from django.urls import path

from openbmis.travellers import views

app_name = "travellers"
urlpatterns = [
    path("", views.search, name="search"),
    path("<uuid:traveller_id>/", views.detail, name="detail"),
    path("<uuid:traveller_id>/merge", views.merge, name="merge"),
    path("documents/<uuid:document_id>/split", views.split, name="split"),
    path("<uuid:traveller_id>/rectify", views.request_correction, name="rectify"),
    path("rectifications/", views.queue, name="rectifications"),
    path("rectifications/<uuid:rectification_id>/approve", views.decide, {"verdict": "approve"},
         name="approve"),
    path("rectifications/<uuid:rectification_id>/reject", views.decide, {"verdict": "reject"},
         name="reject"),
]
