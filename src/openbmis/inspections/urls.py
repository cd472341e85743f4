from django.urls import path

from openbmis.inspections import views

app_name = "inspections"
urlpatterns = [
    path("inspect/", views.counter, name="counter"),
    path("inspect/<uuid:inspection_id>/", views.detail, name="detail"),
    path("inspect/<uuid:inspection_id>/void", views.void, name="void"),
    path("inspect/<uuid:inspection_id>/chip-photo", views.chip_photo, name="chip_photo"),
    path("inspect/<uuid:inspection_id>/refusal-form", views.refusal_form, name="refusal_form"),
    path("secondary/", views.queue, name="queue"),
    path("work/counts", views.work_counts, name="work_counts"),
    path("secondary/<uuid:referral_id>/notes/", views.add_note, name="add_note"),
    path("secondary/notes/<uuid:note_id>/image", views.note_image, name="note_image"),
    path("stay/", views.stay_calculator, name="stay"),
]
