"""The upload page: the project manager imports a program from its CSV files (or a zip of
them) and sees what the command would print; nothing is saved when a row is wrong."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core import scope
from tongban.core.permissions import can_set_up_programs, require
from tongban.evaluation.models import Question

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


EXAMPLE = settings.BASE_DIR / "docs" / "import-example"


def _zip_response(files: dict[str, str], filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, "\ufeff" + text if not text.startswith("\ufeff") else text)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require(can_set_up_programs)
@require_http_methods(["GET"])
def blank_templates(request: HttpRequest) -> HttpResponse:
    """Every import file with its header row only (UTF-8 with BOM, so Excel opens it), the
    interview questions of the user's program (else the standard ones) as columns."""
    program = scope.program(request.user)
    questions = (
        Question.objects.for_program(program)
        if program
        else Question.objects.filter(program__isnull=True)
    )
    codes = list(questions.values_list("code", flat=True))
    files = {}
    for name, columns in spec.FILES.items():
        header = [column.name for column in columns]
        if name == "interviews.csv":
            header += codes
        files[name] = ",".join(header) + "\r\n"
    return _zip_response(files, "tongban-import-templates.zip")


@require(can_set_up_programs)
@require_http_methods(["GET"])
def example_set(request: HttpRequest) -> HttpResponse:
    """The complete example set of docs/import-example (an invented program)."""
    paths = sorted(EXAMPLE.glob("*.csv"))
    if not paths:
        raise Http404
    files = {path.name: path.read_text(encoding="utf-8") for path in paths}
    return _zip_response(files, "tongban-import-example.zip")
