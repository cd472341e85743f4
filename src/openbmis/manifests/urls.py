from django.urls import path

from openbmis.manifests import views

app_name = "manifests"
urlpatterns = [
    path("manifests/", views.manifest_list, name="list"),
    path("manifests/queue/", views.queue, name="queue"),
    path("manifests/compliance/", views.compliance, name="compliance"),
    path("manifests/upload/", views.upload, name="upload"),
    path("manifests/<uuid:manifest_id>/", views.manifest_detail, name="detail"),
]
