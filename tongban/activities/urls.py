from django.urls import path

from . import printable, views

app_name = "activities"

urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/plan/", views.plan_create, name="plan_create"),
    path("sessions/back-entry/", views.back_entry, name="back_entry"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("sessions/<int:pk>/record/", views.record_edit, name="record_edit"),
    path("sessions/<int:pk>/void/", views.session_void, name="session_void"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/new/", views.topic_create, name="topic_create"),
    path("topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("forms/", printable.blank_forms, name="blank_forms"),
    path("forms/plan/", printable.blank_plan, name="blank_plan"),
    path("forms/process/", printable.blank_process, name="blank_process"),
    path("forms/participants/", printable.blank_participants, name="blank_participants"),
    path("forms/emergency/", printable.blank_emergency, name="blank_emergency"),
]
