from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("switch/", views.program_switch, name="program_switch"),
    path("", views.program_detail, name="program_detail"),
    path("new/", views.program_create, name="program_create"),
    path("edit/", views.program_edit, name="program_edit"),
    path("communities/new/", views.community_create, name="community_create"),
    path("communities/<int:pk>/", views.community_detail, name="community_detail"),
    path("communities/<int:pk>/edit/", views.community_edit, name="community_edit"),
    path("communities/<int:pk>/close/", views.community_close, name="community_close"),
    path("communities/<int:pk>/delete/", views.community_delete, name="community_delete"),
    path("communities/<int:pk>/venues/new/", views.venue_create, name="venue_create"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("venues/<int:pk>/in-use/", views.venue_in_use, name="venue_in_use"),
]
