from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("templates.zip", views.blank_templates, name="blank_templates"),
    path("example.zip", views.example_set, name="example_set"),
]
