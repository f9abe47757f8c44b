"""The research export page: the form, the log of past exports, and the download."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tongban.core import permissions, scope
from tongban.core.permissions import require

from . import selectors, services
from .forms import ExportForm


@require(permissions.can_export_research)
@require_http_methods(["GET", "POST"])
def export_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    program = scope.program(user)
    if program is None:
        raise Http404
    communities = scope.communities(user).order_by("started_on", "pk")
    form = ExportForm(
        request.POST or None,
        communities=communities,
        program=program,
        may_identify=permissions.can_export_identified(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(data["community"]) or list(communities)
        record, chunks = services.export_start(
            user=user,
            program=program,
            format=data["format"],
            language=data["language"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            communities=chosen,
            identified=data["identified"],
            reason=data.get("reason", ""),
        )
        stamp = timezone.localtime(record.created_at).strftime("%Y%m%d-%H%M")
        kind = "identified" if record.identified else "deidentified"
        response = StreamingHttpResponse(chunks, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="{program.slug}-{record.format}-{kind}-{stamp}.zip"'
        )
        return response
    page = Paginator(selectors.export_log(user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "exports/export_page.html",
        {"form": form, "page": page, "program": program},
    )
