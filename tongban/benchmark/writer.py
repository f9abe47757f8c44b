"""Rows into tables, fast: PostgreSQL's COPY, or batched INSERTs on SQLite.

Rows are dicts keyed by field attname (`community_id`, not `community`); every column a
row leaves out takes the field's default (its `default`, now for `auto_now_add`, NULL
when nullable, "" for text), so a field added later with a default needs no change here.
Primary keys are given by the caller (`next_id`); `reset_sequences` then moves
PostgreSQL's sequences past them.

No signals, no `save()`, no history: the generator writes those rows itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

_REQUIRED = object()
SQLITE_BATCH = 500


class Writer:
    def __init__(self) -> None:
        connection.ensure_connection()
        self.postgres = connection.vendor == "postgresql"
        self.now = timezone.now()
        self.counts: dict[str, int] = {}
        self._next: dict[type[models.Model], int] = {}
        self._first: dict[type[models.Model], int] = {}
        self.touched: list[type[models.Model]] = []
        # PostgreSQL: foreign keys dropped before the first COPY into a table, added back
        # by `restore_foreign_keys` (table -> [(name, definition)]).
        self._dropped: dict[str, list[tuple[str, str]]] = {}

    def next_id(self, model: type[models.Model], count: int = 1) -> int:
        """The first of `count` fresh primary keys of `model`'s table."""
        if model not in self._next:
            with connection.cursor() as cursor:
                pk = model._meta.pk.column
                cursor.execute(
                    f"SELECT MAX({connection.ops.quote_name(pk)}) "
                    f"FROM {connection.ops.quote_name(model._meta.db_table)}"
                )
                self._next[model] = (cursor.fetchone()[0] or 0) + 1
            self._first[model] = self._next[model]
        first = self._next[model]
        self._next[model] = first + count
        return first

    def _plan(self, model: type[models.Model]) -> list[tuple[str, str, object, object]]:
        """(attname, column, default, converter) of each concrete field."""
        plan = []
        for field in model._meta.concrete_fields:
            if field.has_default():
                default = field.get_default()
            elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                default = self.now
            elif field.null:
                default = None
            elif field.empty_strings_allowed and isinstance(
                field, models.CharField | models.TextField
            ):
                default = ""
            else:
                default = _REQUIRED
            # psycopg adapts the plain types itself; JSON needs Django's adapter.
            if not self.postgres or isinstance(field, models.JSONField):
                convert = _prep(field)
            else:
                convert = None
            plan.append((field.attname, field.column, default, convert))
        return plan

    def write(self, model: type[models.Model], rows: Iterable[dict]) -> int:
        plan = self._plan(model)
        table = model._meta.db_table
        if self.postgres:
            self._drop_foreign_keys(table)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for _a, column, _d, _c in plan)

        def tuples():
            for row in rows:
                values = []
                for attname, _column, default, convert in plan:
                    value = row.get(attname, default)
                    if value is _REQUIRED:
                        raise ValueError(f"{model.__name__}: no value for {attname}")
                    if convert is not None:
                        value = convert(value)
                    values.append(value)
                yield values

        count = 0
        if self.postgres:
            sql = f"COPY {quote(table)} ({columns}) FROM STDIN"
            with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
                for values in tuples():
                    copy.write_row(values)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(plan))
            sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})"
            batches = tuples()
            with connection.cursor() as cursor:
                while batch := list(islice(batches, SQLITE_BATCH)):
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.counts[table] = self.counts.get(table, 0) + count
        if model not in self.touched:
            self.touched.append(model)
        return count

    def history(self, model: type[models.Model], *, every: int = 1, share: int = 1, **fixed) -> int:
        """A "created" history row for `share` in `every` of the rows of `model` written
        here, copied in the database (INSERT ... SELECT). `fixed` gives history columns
        by attname (history_date, history_user_id): a value, or the name of a column of
        the record (`created_at`, `created_by_id`)."""
        historical = model.history.model
        quote = connection.ops.quote_name
        own = {field.attname: field.column for field in model._meta.concrete_fields}
        targets, sources, params = [], [], []
        for field in historical._meta.concrete_fields:
            if field.primary_key:
                continue
            targets.append(quote(field.column))
            if field.attname in fixed:
                value = fixed[field.attname]
                if isinstance(value, str) and value in own:
                    sources.append(quote(own[value]))
                else:
                    sources.append("%s")
                    params.append(value)
            elif field.attname in own:
                sources.append(quote(own[field.attname]))
            elif field.attname == "history_type":
                sources.append("'+'")
            else:
                sources.append("NULL")
        pk = quote(model._meta.pk.column)
        # Only the rows written here: the database may hold another program.
        where = f"WHERE {pk} >= %s"
        first = self._first.get(model, 1)
        params.append(first)
        if every > 1:
            # Counted from the first row written, so that a seed picks the same rows.
            where += f" AND ({pk} - %s) %% %s < %s"
            params += [first, every, share]
        sql = (
            f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(targets)}) "
            f"SELECT {', '.join(sources)} FROM {quote(model._meta.db_table)} {where} "
            f"ORDER BY {pk}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            count = cursor.rowcount
        table = historical._meta.db_table
        self.counts[table] = self.counts.get(table, 0) + count
        if historical not in self.touched:
            self.touched.append(historical)
        return count

    def _drop_foreign_keys(self, table: str) -> None:
        """Checked row by row, a foreign key costs more than the COPY itself (half the
        city tier's time went into the deferred checks at commit); added back at the end,
        each is checked by one join. Checks pending from the ORM's writes are run first:
        PostgreSQL alters no table with pending trigger events."""
        if table in self._dropped:
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if not self._dropped:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [quote(table)],
            )
            self._dropped[table] = found = cursor.fetchall()
            for name, _definition in found:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")

    def restore_foreign_keys(self) -> None:
        """The foreign keys dropped for COPY, added back (PostgreSQL checks every row)."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table, found in self._dropped.items():
                for name, definition in found:
                    cursor.execute(
                        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                    )
            if self._dropped:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self._dropped = {}

    def reset_sequences(self) -> None:
        """PostgreSQL's identity sequences past the ids written here (SQLite needs none)."""
        statements = connection.ops.sequence_reset_sql(no_style(), self.touched)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


def _prep(field: models.Field):
    def convert(value):
        return None if value is None else field.get_db_prep_save(value, connection)

    return convert
