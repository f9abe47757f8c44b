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
        context["rosters"] = []
        for community in communities:
            roster = list(selectors.community_roster(user, community))
            context["rosters"].append(
                {
                    "community": community,
                    "peers": [e for e in roster if e.role == "peer"],
                    "consumers": [e for e in roster if e.role == "consumer"],
                }
            )
    return render(request, "core/home.html", context)
