"""A user's own notifications of their chosen program: the list, opening one, marking
all read."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core import scope

from . import selectors, services


def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(request.user), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/notification_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go where it points: only ever a page of this site."""
    notification = selectors.notification_get(request.user, pk)
    services.notification_mark_read(notification=notification)
    target = notification.url
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:notification_list")
    return redirect(target)


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    program = scope.program(request.user)
    marked = services.notifications_mark_all_read(user=request.user, program=program)
    if marked and program is not None:
        # Only the chosen program's: say so, the others are still unread.
        messages.success(
            request,
            _("All notifications of %(program)s are marked as read.")
            % {"program": program.display_name},
        )
    return redirect("notifications:notification_list")
