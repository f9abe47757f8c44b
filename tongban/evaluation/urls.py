from django.urls import path  # noqa: F401 - the views are added here

app_name = "evaluation"

urlpatterns: list = []
