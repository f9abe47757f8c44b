"""URLs of the consent pages (mounted by urls.py under /screening/)."""

from django.urls import path

from . import consent_views as views

urlpatterns: list = [
    path("documents/", views.document_list, name="document_list"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/print/", views.document_print, name="document_print"),
    path("documents/<str:kind>/new/", views.document_create, name="document_create"),
    path("people/<int:person_pk>/consents/new/", views.consent_create, name="consent_create"),
    path("consents/<int:pk>/", views.consent_detail, name="consent_detail"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<int:pk>/void/", views.consent_void, name="consent_void"),
    path("reconsent/", views.reconsent_list, name="reconsent_list"),
]
