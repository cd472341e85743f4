from django.urls import path

from openbmis.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.library_search, name="library"),
    path("models/<uuid:model_id>/", views.model_detail, name="model"),
    path("examine/", views.examination_queue, name="queue"),
    path("examine/<uuid:inspection_id>/", views.examine, name="examine"),
    path("images/reference/<uuid:image_id>", views.reference_image, name="reference_image"),
    path("images/alert/<uuid:image_id>", views.alert_image, name="alert_image"),
    path("images/examination/<uuid:image_id>", views.examination_image, name="examination_image"),
]
