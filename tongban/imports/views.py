"""The upload page: the project manager imports a program from its CSV files (or a zip of
them) and sees what the command would print; nothing is saved when a row is wrong."""

from __future__ import annotations

import zipfile

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
    context: dict = {"files": list(spec.FILES)}
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        sources: dict[str, bytes] = {}
        error = ""
        for upload in uploads:
            data = upload.read()
            if upload.name.lower().endswith(".zip"):
                try:
                    sources.update(reader.sources_from_zip(data))
                except zipfile.BadZipFile:
                    error = _("%(name)s is not a zip file.") % {"name": upload.name}
            else:
                sources[upload.name] = data
        if not uploads:
            error = _("Choose the CSV files, or a zip of them.")
        if error:
            context["error"] = error
        else:
            # Into a new program, or one of the manager's own: any other answers an error.
            result = program_import(
                sources=sources, by=request.user, allowed_programs=scope.programs(request.user)
            )
            context["result"] = result
    return render(request, "imports/upload.html", context)
