from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("switch/", views.program_switch, name="program_switch"),
]
