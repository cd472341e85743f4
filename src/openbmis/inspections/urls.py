"""The inspections' pages, one list per prefix that server/urls.py gives them, all reversed as ``inspections:``."""

from django.urls import path

from openbmis.inspections import views

app_name = "inspections"
# inspect/: the counter and an inspection's page
inspect = [
    path("", views.counter, name="counter"),
    path("<uuid:inspection_id>/", views.detail, name="detail"),
    path("<uuid:inspection_id>/void", views.void, name="void"),
    path("<uuid:inspection_id>/chip-photo", views.chip_photo, name="chip_photo"),
    path("<uuid:inspection_id>/refusal-form", views.refusal_form, name="refusal_form"),
]
# secondary/: the referral queue and its notes
secondary = [
    path("", views.queue, name="queue"),
    path("<uuid:referral_id>/notes/", views.add_note, name="add_note"),
    path("notes/<uuid:note_id>/image", views.note_image, name="note_image"),
]
# work/: the waiting-work counts the menu shows
work = [
    path("counts", views.work_counts, name="work_counts"),
]
# stay/: the stay calculator
stay = [
    path("", views.stay_calculator, name="stay"),
]
