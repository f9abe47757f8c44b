"""Readable audit trail built on django-simple-history: who, when, which fields, old and new."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
# Bookkeeping columns that say nothing to a reader.
SKIPPED = {"id", "created_at", "voided_by", "is_superuser", "is_staff", "date_joined"}
# Rows of one object written by the same user this close together are one save: a
# service saves the row, then sets its many-to-many fields (simple-history writes a row
# for each), or saves a computed field right after.
SAVE_WINDOW = timedelta(seconds=2)
# Fields holding a language code, shown by the language's name.
LANGUAGE_FIELDS = {"language"}


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
    # Which object and which user, to tell one save from the next (not shown).
    object_key: object = None
    user_id: int | None = None
    last_when: datetime | None = None


def value_text(value) -> str:
    """A value as users know it: 09:30, 2016-06-28, 是/否 (no field needed)."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def display_name(obj) -> str:
    """What a page calls a record: its `display_name` when it has one, else str()."""
    name = getattr(obj, "display_name", None)
    return str(name) if name else str(obj)


def who_name(user) -> str:
    return display_name(user) if user is not None else str(_("system"))


def _display(model_field: models.Field, value, related_names: dict) -> str:
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return related_names.get((model_field.related_model, value), str(value))
    if model_field.name in LANGUAGE_FIELDS:
        return str(dict(settings.LANGUAGES).get(value, value))
    return value_text(value)


def _is_foreign_key(model_field: models.Field) -> bool:
    return model_field.is_relation and (model_field.many_to_one or model_field.one_to_one)


def _named(related: type[models.Model]) -> models.QuerySet:
    """The related model's rows, with what their display names read (a peer's person)."""
    queryset = related._default_manager.all()
    if related._meta.label == settings.AUTH_USER_MODEL:
        queryset = queryset.select_related("person")
    return queryset


def _related_names(model: type[models.Model], records: list, fields: list[models.Field]) -> dict:
    """Names of the objects that foreign keys point to: one query per related model."""
    names: dict = {}
    for model_field in fields:
        if not _is_foreign_key(model_field):
            continue
        ids = {getattr(r, model_field.attname) for r in records} - {None}
        related = model_field.related_model
        for obj in _named(related).filter(pk__in=ids):
            names[(related, obj.pk)] = display_name(obj)
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
    names = {obj.pk: display_name(obj) for obj in _named(related).filter(pk__in=ids)}
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
    """Turn historical records of one model into entries, oldest first: one per save.

    `hidden_fields` never appear, neither their old nor their new values.
    `m2m_fields` are many-to-many fields whose history simple-history keeps.
    Rows of one object by one user within SAVE_WINDOW are one save (see `fold`).
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
                who=who_name(user),
                action=str(action),
                subject=subject(record),
                changes=changes,
                reason=getattr(record, "history_change_reason", None) or "",
                object_key=record.id,
                user_id=record.history_user_id,
            )
        )
    return fold(entries)


def _same_save(entry: AuditEntry, later: AuditEntry) -> bool:
    return (
        entry.object_key is not None
        and entry.object_key == later.object_key
        and entry.user_id == later.user_id
        and later.when - (entry.last_when or entry.when) <= SAVE_WINDOW
    )


def fold(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Entries (oldest first) of one save become one: "created" then "changed" a moment
    later by the same user is one "created" with the final values; a field changed twice
    shows its first old and last new value, and disappears when they are equal."""
    folded: list[AuditEntry] = []
    latest: dict = {}  # object_key -> its last entry in `folded`
    for entry in entries:
        previous = latest.get(entry.object_key)
        if previous is None or not _same_save(previous, entry):
            folded.append(entry)
            latest[entry.object_key] = entry
            continue
        created = previous.action == str(ACTIONS["+"])
        by_label = {change.label: change for change in previous.changes}
        for change in entry.changes:
            earlier = by_label.get(change.label)
            if earlier is None:
                change = FieldChange(change.label, "" if created else change.old, change.new)
                previous.changes.append(change)
                by_label[change.label] = change
            else:
                earlier.new = change.new
        previous.changes = [c for c in previous.changes if created or c.old != c.new]
        if entry.action not in (str(ACTIONS["~"]), str(ACTIONS["+"])):
            previous.action = entry.action  # "voided" says more than "changed"
        previous.reason = previous.reason or entry.reason
        previous.last_when = entry.when
    return folded


def grouped_entries(
    history: Iterable,
    *,
    label: str,
    name: Callable[[object], str],
    subject: str | None = None,
) -> list[AuditEntry]:
    """Rows of a list (a session's attendances) become one entry per save, oldest first.

    Each historical row is one item of the list: created rows read "+ name", rows voided
    (or deleted) "− name", any other change "~ name". Rows written by the same user
    within SAVE_WINDOW of the group's first row are one save: one entry, whose only
    change is `label` ("participant list: + 甲, − 乙"). `subject` defaults to `label`.
    The first non-empty change reason of the group is the entry's reason.
    """
    records = sorted(history, key=lambda r: (r.history_date, r.history_id))
    previous: dict = {}
    entries: list[AuditEntry] = []
    current: AuditEntry | None = None
    items: list[str] = []

    def close() -> None:
        if current is not None and items:
            joined = gettext_now(", ").join(items)
            current.changes = [FieldChange(label=str(label), old="", new=joined)]
            entries.append(current)

    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        voided_now = bool(getattr(record, "voided_at", None)) and not (
            before is not None and getattr(before, "voided_at", None)
        )
        if record.history_type == "+":
            sign = "+"
        elif record.history_type == "-" or voided_now:
            sign = "−"
        else:
            sign = "~"
        item = f"{sign} {name(record)}"
        if (
            current is None
            or current.user_id != record.history_user_id
            or record.history_date - current.when > SAVE_WINDOW
        ):
            close()
            current = AuditEntry(
                when=record.history_date,
                who=who_name(record.history_user),
                action=str(ACTIONS["~"]),
                subject=str(subject or label),
                user_id=record.history_user_id,
            )
            items = []
        items.append(item)
        current.reason = current.reason or getattr(record, "history_change_reason", None) or ""
    close()
    return entries


def merge(*entry_lists: list[AuditEntry]) -> list[AuditEntry]:
    """Newest first, as a reader scans a record's history."""
    merged = [entry for entries in entry_lists for entry in entries]
    return sorted(merged, key=lambda e: e.when, reverse=True)
