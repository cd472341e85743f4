from django.urls import path

from openbmis.capacity import views

app_name = "capacity"
urlpatterns = [
    path("capacity/", views.overview, name="overview"),
    path("capacity/assessments/new/", views.assessment_new, name="assessment_new"),
    path("capacity/assessments/<uuid:assessment_id>/", views.assessment, name="assessment"),
    path("capacity/assessments/<uuid:assessment_id>/report.pdf", views.assessment_report, name="report"),
    path("capacity/equipment/", views.equipment, name="equipment"),
    path("training/", views.training, name="training"),
    path("training/sessions/<uuid:session_id>/", views.session, name="session"),
    path("training/certificates/<str:number>.pdf", views.certificate_pdf, name="certificate"),
]
