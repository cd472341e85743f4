from django.urls import path

from openbmis.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("table/<str:panel>/", views.table, name="table"),
    path("report/", views.report, name="report"),
    path("report/<int:report_id>/", views.report_download, name="report_download"),
]
