"""Readable audit trail built on django-simple-history: who, when, which fields, old and new."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
# Bookkeeping columns that say nothing to a reader.
SKIPPED = {"id", "created_at", "voided_by", "is_superuser", "is_staff", "date_joined"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class AuditEntry:
    when: datetime
    who: str
    action: str
    subject: str
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""


def _display(model_field: models.Field, value, related_names: dict) -> str:
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return related_names.get((model_field.related_model, value), str(value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _related_names(model: type[models.Model], records: list, fields: list[models.Field]) -> dict:
    """Names of the objects that foreign keys point to: one query per related model."""
    names: dict = {}
    for model_field in fields:
        if not model_field.is_relation or not model_field.many_to_one:
            continue
        ids = {getattr(r, model_field.attname) for r in records} - {None}
        related = model_field.related_model
        for obj in related._default_manager.filter(pk__in=ids):
            names[(related, obj.pk)] = str(obj)
    return names


def _m2m_sets(model: type[models.Model], records: list, name: str) -> dict[int, str]:
    """For each version, the names in a many-to-many field then: two queries in all."""
    through = getattr(records[0], name).model
    related = model._meta.get_field(name).related_model
    target = next(f.name for f in through._meta.fields if f.related_model is related)
    rows = list(
        through.objects.filter(history__in=[r.history_id for r in records]).values_list(
            "history_id", f"{target}_id"
        )
    )
    ids = {target_id for _history_id, target_id in rows}
    names = {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=ids)}
    grouped: dict[int, list[str]] = {}
    for history_id, target_id in rows:
        grouped.setdefault(history_id, []).append(names.get(target_id, str(target_id)))
    return {key: ", ".join(sorted(value)) for key, value in grouped.items()}


def audit_entries(
    history: Iterable,
    *,
    model: type[models.Model],
    subject: Callable[[object], str],
    hidden_fields: Iterable[str] = (),
    m2m_fields: Iterable[str] = (),
) -> list[AuditEntry]:
    """Turn historical records of one model into entries, oldest first.

    `hidden_fields` never appear, neither their old nor their new values.
    `m2m_fields` are many-to-many fields whose history simple-history keeps.
    """
    hidden = set(hidden_fields) | SKIPPED
    records = sorted(history, key=lambda r: (r.history_date, r.history_id))
    if not records:
        return []
    tracked = {f.attname for f in type(records[0])._meta.concrete_fields}
    fields = [
        f for f in model._meta.concrete_fields if f.name not in hidden and f.attname in tracked
    ]
    related_names = _related_names(model, records, fields)
    sets = {name: _m2m_sets(model, records, name) for name in m2m_fields}
    previous: dict = {}
    entries: list[AuditEntry] = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        for model_field in fields:
            new = getattr(record, model_field.attname)
            old = getattr(before, model_field.attname) if before is not None else None
            if before is None and new in (None, ""):
                continue
            if before is not None and old == new:
                continue
            changes.append(
                FieldChange(
                    label=str(model_field.verbose_name),
                    old=_display(model_field, old, related_names) if before is not None else "",
                    new=_display(model_field, new, related_names),
                )
            )
        for name, by_record in sets.items():
            new_set = by_record.get(record.history_id, "")
            old_set = by_record.get(before.history_id, "") if before is not None else ""
            if new_set != old_set:
                label = str(model._meta.get_field(name).verbose_name)
                changes.append(FieldChange(label=label, old=old_set or "—", new=new_set or "—"))
        previous[record.id] = record
        action = ACTIONS.get(record.history_type, record.history_type)
        if before is not None and getattr(record, "voided_at", None) and not before.voided_at:
            action = _("voided")
        if record.history_type == "~" and not changes:
            continue
        user = record.history_user
        entries.append(
            AuditEntry(
                when=record.history_date,
                who=str(user) if user else str(_("system")),
                action=str(action),
                subject=subject(record),
                changes=changes,
                reason=getattr(record, "history_change_reason", None) or "",
            )
        )
    return entries


def merge(*entry_lists: list[AuditEntry]) -> list[AuditEntry]:
    """Newest first, as a reader scans a record's history."""
    merged = [entry for entries in entry_lists for entry in entries]
    return sorted(merged, key=lambda e: e.when, reverse=True)
