"""No lost updates: a form carries the version it was opened on; a save from an older
version is refused with what changed meanwhile, and nothing is written.

The version is the id of the record's latest django-simple-history row, so every save
(of any field, by any path) moves it on and no extra column is needed. Services lock
the row (`select_for_update`) and then call `check_version`, so two saves from the same
version are serialised and the second one sees the first.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def current_version(instance: models.Model | None) -> int:
    """0 for a record not saved yet."""
    if instance is None or instance.pk is None:
        return 0
    latest = instance.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return latest or 0


class EditConflict(ValidationError):
    """Someone saved the record after this form was opened."""

    def __init__(self, message: str, *, changed: list[str]):
        super().__init__(message, code="conflict")
        self.changed = changed


def _changed_labels(instance: models.Model, since: int) -> tuple[list[str], object]:
    history = instance.history.model
    later = list(
        history.objects.filter(**{instance._meta.pk.attname: instance.pk}, history_id__gt=since)
        .select_related("history_user")
        .order_by("history_id")
    )
    base = history.objects.filter(history_id=since).first()
    labels: list[str] = []
    previous = base
    for record in later:
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                try:
                    label = str(instance._meta.get_field(change.field).verbose_name)
                except Exception:  # noqa: BLE001 - a history-only column
                    continue
                if label not in labels:
                    labels.append(label)
        previous = record
    return labels, (later[-1] if later else None)


def check_version(instance: models.Model, version: int | None) -> None:
    """Refuse the save when `instance` moved on since `version` (None: not checked)."""
    if version is None:
        return
    now = current_version(instance)
    if version == now:
        return
    labels, last = _changed_labels(instance, version)
    who = ""
    when = ""
    if last is not None:
        who = str(last.history_user) if last.history_user else _("someone")
        when = timezone.localtime(last.history_date).strftime("%Y-%m-%d %H:%M")
    if labels:
        message = _(
            "%(who)s saved this form at %(when)s, after you opened it, and changed: "
            "%(fields)s. Nothing of yours was saved. The form now shows their version: "
            "make your changes again and save."
        ) % {"who": who, "when": when, "fields": _(", ").join(labels)}
    else:
        message = _(
            "%(who)s saved this form at %(when)s, after you opened it. Nothing of yours "
            "was saved. The form now shows their version: make your changes again and save."
        ) % {"who": who, "when": when}
    raise EditConflict(message, changed=labels)


class VersionField(forms.IntegerField):
    """Hidden field holding the version the form was opened on."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        # A tampered 20-digit value must be a form error, not an overflow in the database.
        kwargs.setdefault("max_value", 2**53)
        kwargs.setdefault("label", gettext_lazy("version"))
        super().__init__(**kwargs)
