"""Supervision and wellbeing pages, under /supervision/: one module of URLs per part."""

from .meeting_urls import urlpatterns as meeting_urls
from .request_urls import urlpatterns as request_urls
from .wellbeing_urls import urlpatterns as wellbeing_urls

app_name = "supervision"

urlpatterns = [*meeting_urls, *request_urls, *wellbeing_urls]
