from django.urls import path

from openbmis.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("accesses/", views.accesses, name="accesses"),
    path("subject-access/<uuid:traveller_id>/", views.subject_access, name="subject_access"),
    path("events/<uuid:event_id>/", views.event_detail, name="event"),
]
