"""The page that voids a clinical record with a reason (never a delete): one flow for every
kind of record, so each view only says which record, which service and which words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import VoidForm
from .forms_util import apply_validation_error


def void_page(
    request: HttpRequest,
    *,
    record: Any,
    void: Callable[[str], object],
    detail_url: str,
    template: str,
    context: dict[str, Any],
    already: str,
    done: str,
    done_url: str | None = None,
) -> HttpResponse:
    """GET: the form asking for the reason. POST: `void(reason)` (a service under
    transaction.atomic); a refusal about the form shows next to its field, any other
    (voided meanwhile) goes back to the record with the service's words. A record already
    voided never shows the form."""
    if record.is_voided:
        messages.info(request, already)
        return redirect(detail_url)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            void(form.cleaned_data["reason"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.info(request, " ".join(error.messages))
                return redirect(detail_url)
            apply_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect(done_url or detail_url)
    return render(request, template, {**context, "form": form})
