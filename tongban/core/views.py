from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.core.home import home_context


def home(request: HttpRequest) -> HttpResponse:
    """One landing page whose blocks follow the user's role (tongban/core/home.py)."""
    return render(request, "core/home.html", home_context(request.user))
