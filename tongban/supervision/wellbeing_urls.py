"""Wellbeing check-ins, alerts and break requests, under /supervision/."""

from django.urls import path

from . import wellbeing_views as views

urlpatterns = [
    path("wellbeing/", views.wellbeing_list, name="wellbeing_list"),
    path("wellbeing/check-in/", views.wellbeing_checkin, name="wellbeing_checkin"),
    path("wellbeing/peer/<int:pk>/", views.wellbeing_peer, name="wellbeing_peer"),
    path(
        "wellbeing/check-ins/<int:pk>/",
        views.wellbeing_checkin_detail,
        name="wellbeing_checkin_detail",
    ),
    path(
        "wellbeing/check-ins/<int:pk>/void/",
        views.wellbeing_checkin_void,
        name="wellbeing_checkin_void",
    ),
    path(
        "wellbeing/alerts/<int:pk>/seen/", views.wellbeing_alert_seen, name="wellbeing_alert_seen"
    ),
    path("breaks/", views.break_list, name="break_list"),
    path("breaks/new/", views.break_create, name="break_create"),
    path("breaks/<int:pk>/", views.break_detail, name="break_detail"),
    path("breaks/<int:pk>/decide/", views.break_decide, name="break_decide"),
    path("breaks/<int:pk>/withdraw/", views.break_withdraw, name="break_withdraw"),
]
