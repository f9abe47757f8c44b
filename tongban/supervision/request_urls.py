"""URLs of as-needed supervision requests and guidance notes (under /supervision/)."""

from django.urls import path

from . import guidance_views, request_views

urlpatterns: list = [
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/new/", request_views.request_create, name="request_create"),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/answer/", request_views.request_answer, name="request_answer"),
    path(
        "requests/<int:pk>/actions/new/",
        request_views.request_action_add,
        name="request_action_add",
    ),
    path("requests/<int:pk>/void/", request_views.request_void, name="request_void"),
    path(
        "sessions/<int:session_pk>/guidance/new/",
        guidance_views.guidance_create,
        name="guidance_create",
    ),
    path("guidance/<int:pk>/void/", guidance_views.guidance_void, name="guidance_void"),
]
