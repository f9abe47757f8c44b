"""URLs of the candidate pages (mounted by urls.py under /screening/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
