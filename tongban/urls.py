from django.contrib.auth import views as auth_views
from django.urls import include, path

from tongban.accounts.views import PasswordChangeView, set_language
from tongban.core.views import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The current-password check is throttled like sign-in (accounts.views).
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("language/", set_language, name="set_language"),
    path("", include("tongban.registry.urls")),
    path("program/", include("tongban.programs.urls")),
    path("accounts/", include("tongban.accounts.urls")),
    path("", include("tongban.activities.urls")),
    path("emergencies/", include("tongban.emergencies.urls")),
    path("notifications/", include("tongban.notifications.urls")),
    path("submissions/", include("tongban.submissions.urls")),
    path("evaluation/", include("tongban.evaluation.urls")),
    path("reports/", include("tongban.reports.urls")),
    path("screening/", include("tongban.screening.urls")),
    path("training/", include("tongban.training.urls")),
    path("supervision/", include("tongban.supervision.urls")),
    path("exports/", include("tongban.exports.urls")),
    path("import/", include("tongban.imports.urls")),
    path("group/", include("tongban.discussion.urls")),
]
