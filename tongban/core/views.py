from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tongban.accounts.models import Role
from tongban.core import scope
from tongban.core.home import home_context


def home(request: HttpRequest) -> HttpResponse:
    """One landing page whose blocks follow the user's role (tongban/core/home.py).

    A project manager who belongs to no program yet (made by `create_manager` on an
    empty database) starts by creating one.
    """
    if request.user.role == Role.PROJECT_MANAGER and scope.program(request.user) is None:
        return redirect("programs:program_create")
    return render(request, "core/home.html", home_context(request.user))
