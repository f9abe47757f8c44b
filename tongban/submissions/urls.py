from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("", views.submission_list, name="submission_list"),
    path("<int:community>/<int:cycle>/", views.cycle_detail, name="cycle_detail"),
    path("<int:community>/<int:cycle>/submit/", views.submission_submit, name="submission_submit"),
    path("<int:community>/<int:cycle>/return/", views.submission_return, name="submission_return"),
    path("<int:community>/<int:cycle>/accept/", views.submission_accept, name="submission_accept"),
]
