"""URLs of the support settings, group supervision meetings and agreed actions (mounted by
urls.py under /supervision/)."""

from django.urls import path

from . import meeting_views as views

urlpatterns: list = [
    path("settings/", views.support_settings, name="support_settings"),
    path("settings/edit/", views.support_settings_edit, name="support_settings_edit"),
    path("settings/phases/new/", views.phase_create, name="phase_create"),
    path("settings/phases/<int:pk>/edit/", views.phase_edit, name="phase_edit"),
    path("settings/phases/<int:pk>/remove/", views.phase_delete, name="phase_delete"),
    path("settings/social-workers/new/", views.social_worker_create, name="social_worker_create"),
    path("settings/social-workers/<int:pk>/", views.social_worker_end, name="social_worker_end"),
    path("meetings/", views.meeting_schedule, name="meeting_schedule"),
    path("meetings/confirm/", views.meeting_confirm, name="meeting_confirm"),
    path("meetings/cancel-proposal/", views.proposal_cancel, name="proposal_cancel"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/move/", views.meeting_move, name="meeting_move"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/record/", views.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/void/", views.meeting_void, name="meeting_void"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("actions/<int:pk>/cancel/", views.action_cancel, name="action_cancel"),
]
