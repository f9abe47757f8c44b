from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/enrol/", views.enrolment_create, name="enrolment_create"),
    path("people/<int:pk>/cares-for/", views.caregiver_link_create, name="caregiver_link_create"),
    path("enrolments/<int:pk>/status/", views.enrolment_status, name="enrolment_status"),
    path("enrolments/<int:pk>/void/", views.enrolment_void, name="enrolment_void"),
    path("communities/", views.community_list, name="community_list"),
    path("communities/<int:pk>/", views.community_detail, name="community_detail"),
]
