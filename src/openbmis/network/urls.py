from django.urls import path

from openbmis.network import views

app_name = "network"
urlpatterns = [
    path("", views.node_list, name="nodes"),
    path("code/", views.issue_code, name="code"),
    path("<uuid:node_id>/revoke/", views.revoke, name="revoke"),
]
