"""URLs of the candidate, assessment and criteria pages (mounted by urls.py under
/screening/)."""

from django.urls import path

from . import candidate_views as views

urlpatterns: list = [
    path("candidates/", views.candidate_list, name="candidate_list"),
    path("candidates/new/", views.candidate_create, name="candidate_create"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/enrol/", views.candidate_enrol, name="candidate_enrol"),
    path("candidates/<int:pk>/close/", views.candidate_close, name="candidate_close"),
    path("candidates/<int:pk>/assess/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/void/", views.assessment_void, name="assessment_void"),
    path("criteria/", views.criteria_list, name="criteria_list"),
    path("criteria/<int:pk>/", views.criteria_detail, name="criteria_detail"),
    path("criteria/<str:role>/edit/", views.criteria_edit, name="criteria_edit"),
]
