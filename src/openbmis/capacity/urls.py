"""The capacity-building pages, one list per prefix that server/urls.py gives them, all reversed as ``capacity:``."""

from django.urls import path

from openbmis.capacity import views

app_name = "capacity"
# capacity/: assessments, action plans and equipment
capacity = [
    path("", views.overview, name="overview"),
    path("assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<uuid:assessment_id>/", views.assessment, name="assessment"),
    path("assessments/<uuid:assessment_id>/report.pdf", views.assessment_report, name="report"),
    path("equipment/", views.equipment, name="equipment"),
]
# training/: sessions and certificates
training = [
    path("", views.training, name="training"),
    path("sessions/<uuid:session_id>/", views.session, name="session"),
    path("certificates/<str:number>.pdf", views.certificate_pdf, name="certificate"),
]
