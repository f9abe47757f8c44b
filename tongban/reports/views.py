"""The program report: the page and its JSON. Thin: the form checks the request, report.py
scopes and builds."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tongban.core import scope

from . import charts, report
from .forms import ReportFilterForm

TEMPLATE = "reports/program_report.html"


def _filter(request: HttpRequest) -> tuple[ReportFilterForm, report.ReportParams | None]:
    """The bound filter form and, when it is valid, the report's parameters in scope."""
    user = request.user
    program = scope.program(user)
    if program is None:
        raise Http404
    communities = scope.communities(user).order_by("started_on", "pk")
    form = ReportFilterForm(request.GET, communities=communities, program=program)
    if not form.is_valid():
        return form, None
    date_from, date_to = form.range()
    chosen = form.cleaned_data["community"]
    params = report.report_params(
        user,
        date_from=date_from,
        date_to=date_to,
        community_ids=[community.pk for community in chosen],
    )
    return form, params


@require_GET
def program_report(request: HttpRequest) -> HttpResponse:
    form, params = _filter(request)
    data = report.build(params) if params is not None else None
    return render(
        request,
        TEMPLATE,
        {"form": form, "report": data, "charts": charts.report_charts(data) if data else {}},
    )


@require_GET
def program_report_json(request: HttpRequest) -> JsonResponse:
    form, params = _filter(request)
    dumps = {"ensure_ascii": False}
    if params is None:
        return JsonResponse(
            {"errors": form.errors.get_json_data()}, status=400, json_dumps_params=dumps
        )
    return JsonResponse(report.build(params), json_dumps_params=dumps)
