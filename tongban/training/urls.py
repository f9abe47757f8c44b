"""Training pages, under /training/."""

from django.urls import path

from . import views

app_name = "training"

urlpatterns: list = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/void/", views.session_void, name="session_void"),
    path("curriculum/", views.curriculum, name="curriculum"),
    path("curriculum/new/", views.workshop_create, name="workshop_create"),
    path("curriculum/<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path("readiness/", views.readiness, name="readiness"),
]
