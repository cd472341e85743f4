from django.urls import path

from openbmis.network import views

app_name = "network"
urlpatterns = [
    path("", views.node_list, name="nodes"),
]
