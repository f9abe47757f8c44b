from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.registry import selectors


def home(request: HttpRequest) -> HttpResponse:
    """One landing page whose blocks follow the user's role."""
    user = request.user
    communities = list(selectors.communities_overview(user))
    context = {"communities": communities}
    if user.is_peer:
        # One roster per community the peer serves (almost always one).
        context["rosters"] = [
            {"community": community, **selectors.roster_by_role(user, community)}
            for community in communities
        ]
    return render(request, "core/home.html", context)
