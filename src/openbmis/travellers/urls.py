from django.urls import path

from openbmis.travellers import views

app_name = "travellers"
urlpatterns = [
    path("travellers/<uuid:traveller_id>/rectify", views.request_correction, name="rectify"),
    path("travellers/rectifications/", views.queue, name="rectifications"),
    path("travellers/rectifications/<uuid:rectification_id>/approve", views.decide, {"verdict": "approve"},
         name="approve"),
    path("travellers/rectifications/<uuid:rectification_id>/reject", views.decide, {"verdict": "reject"},
         name="reject"),
]
