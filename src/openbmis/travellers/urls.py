from django.urls import path

from openbmis.travellers import views

app_name = "travellers"
urlpatterns = [
    path("travellers/", views.search, name="search"),
    path("travellers/<uuid:traveller_id>/", views.detail, name="detail"),
    path("travellers/<uuid:traveller_id>/merge", views.merge, name="merge"),
    path("travellers/documents/<uuid:document_id>/split", views.split, name="split"),
    path("travellers/<uuid:traveller_id>/rectify", views.request_correction, name="rectify"),
    path("travellers/rectifications/", views.queue, name="rectifications"),
    path("travellers/rectifications/<uuid:rectification_id>/approve", views.decide, {"verdict": "approve"},
         name="approve"),
    path("travellers/rectifications/<uuid:rectification_id>/reject", views.decide, {"verdict": "reject"},
         name="reject"),
]
