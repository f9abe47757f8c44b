"""Screening and consent, under /screening/: one module of URLs per part of the work."""

from .candidate_urls import urlpatterns as candidate_urls
from .consent_urls import urlpatterns as consent_urls
from .needs_urls import urlpatterns as needs_urls

app_name = "screening"

urlpatterns = [*candidate_urls, *consent_urls, *needs_urls]
