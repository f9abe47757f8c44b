from django.urls import path

from . import views

app_name = "emergencies"

urlpatterns = [
    path("", views.emergency_list, name="emergency_list"),
    path("new/", views.emergency_create, name="emergency_create"),
    path("<int:pk>/", views.emergency_detail, name="emergency_detail"),
    path("<int:pk>/acknowledge/", views.emergency_acknowledge, name="emergency_acknowledge"),
    path("<int:pk>/follow-up/", views.emergency_follow_up, name="emergency_follow_up"),
    path("<int:pk>/close/", views.emergency_close, name="emergency_close"),
    path("<int:pk>/void/", views.emergency_void, name="emergency_void"),
]
