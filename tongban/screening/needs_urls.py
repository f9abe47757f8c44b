"""URLs of the needs pages (mounted by urls.py under /screening/)."""

from django.urls import path

from . import needs_views as views

urlpatterns: list = [
    path("needs/", views.needs_list, name="needs_list"),
    path("people/<int:person_pk>/needs/new/", views.needs_create, name="needs_create"),
    path("needs/<int:pk>/", views.needs_detail, name="needs_detail"),
    path("needs/<int:pk>/edit/", views.needs_edit, name="needs_edit"),
    path("needs/<int:pk>/void/", views.needs_void, name="needs_void"),
]
