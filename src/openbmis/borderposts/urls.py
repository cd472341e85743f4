from django.urls import path

from openbmis.borderposts import views

app_name = "borderposts"
urlpatterns = [
    path("", views.post_list, name="list"),
    path("new/", views.post_edit, name="create"),
    path("<str:code>/", views.post_detail, name="detail"),
    path("<str:code>/edit/", views.post_edit, name="edit"),
]
