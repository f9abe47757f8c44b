from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.registry import selectors


def home(request: HttpRequest) -> HttpResponse:
    """One landing page whose blocks follow the user's role."""
    user = request.user
    communities = list(selectors.communities_overview(user))
    context = {"communities": communities}
    if user.is_peer and len(communities) == 1:
        roster = list(selectors.community_roster(user, communities[0]))
        context["community"] = communities[0]
        context["peers"] = [e for e in roster if e.role == "peer"]
        context["consumers"] = [e for e in roster if e.role == "consumer"]
    return render(request, "core/home.html", context)
