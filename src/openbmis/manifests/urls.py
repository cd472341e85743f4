from django.urls import path

from openbmis.manifests import views

app_name = "manifests"
urlpatterns = [
    path("", views.manifest_list, name="list"),
    path("queue/", views.queue, name="queue"),
    path("compliance/", views.compliance, name="compliance"),
    path("upload/", views.upload, name="upload"),
    path("<uuid:manifest_id>/", views.manifest_detail, name="detail"),
]
