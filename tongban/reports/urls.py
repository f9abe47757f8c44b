from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("program/", views.program_report, name="program_report"),
    path("program/json/", views.program_report_json, name="program_report_json"),
]
