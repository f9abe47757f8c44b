from django.urls import path, register_converter

from . import views


class RecordId:
    """Ids of at most 18 digits: a longer one would overflow the database's integer (a 500),
    so it does not match and answers 404."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordId, "evaluation_id")

app_name = "evaluation"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create, name="round_create"),
    path("<evaluation_id:pk>/", views.round_detail, name="round_detail"),
    path("<evaluation_id:pk>/edit/", views.round_edit, name="round_edit"),
    path(
        "<evaluation_id:round_pk>/interview/<evaluation_id:person_pk>/<str:respondent>/",
        views.interview_create,
        name="interview_create",
    ),
    path("interview/<evaluation_id:pk>/", views.interview_detail, name="interview_detail"),
    path("interview/<evaluation_id:pk>/edit/", views.interview_edit, name="interview_edit"),
    path("interview/<evaluation_id:pk>/void/", views.interview_void, name="interview_void"),
]
