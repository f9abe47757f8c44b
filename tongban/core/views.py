from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.activities import selectors as activities
from tongban.activities.selectors import SessionStatus
from tongban.core.permissions import can_record_sessions
from tongban.registry import selectors
from tongban.submissions import selectors as submissions


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
    if can_record_sessions(user):
        # What a peer opens the app for: the next sessions, and those still to record.
        context["to_record"] = list(activities.sessions(user, status=SessionStatus.TO_RECORD)[:5])
        context["upcoming"] = list(activities.sessions(user, status=SessionStatus.PLANNED)[:5])
        context["can_record"] = True
    if user.is_peer:
        waiting = [row for row in submissions.cycle_rows(user) if row.needs_submission]
        context["cycles_waiting"] = waiting[:3]
        context["cycles_waiting_more"] = max(0, len(waiting) - 3)
    return render(request, "core/home.html", context)
