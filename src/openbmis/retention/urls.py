from django.urls import path

from openbmis.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("holds/<uuid:hold_id>/lift/", views.lift, name="lift"),
]
