"""The upload page: the project manager imports a program from its CSV files (or a zip of
them) and sees what the command would print; nothing is saved when a row is wrong."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core import scope
from tongban.core.permissions import can_set_up_programs, require

from . import reader, spec
from .services import program_import


@require(can_set_up_programs)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    context: dict = {"files": [(name, columns) for name, columns in spec.FILES.items()]}
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        try:
            if not uploads:
                raise ValueError(_("Choose the CSV files, or a zip of them."))
            sources = reader.sources_from_uploads(uploads)
        except ValueError as error:
            context["error"] = str(error)
        else:
            # Into a new program, or one of the manager's own: any other is refused.
            context["result"] = program_import(
                sources=sources, by=request.user, allowed_programs=scope.programs(request.user)
            )
    return render(request, "imports/upload.html", context)
