"""One export = one zip, yielded as it is written: the tables in the chosen format, a
codebook (HTML and CSV) and a README of how it was made.

The zip is written to a sink that the generator empties after every few thousand rows,
so a web download starts at once and memory stays flat however many rows there are (the
queries are read in chunks, the writers hold one chunk).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import tables as research_tables
from .models import Format
from .pseudonyms import Pseudonymiser, program_secret
from .spec import Kind, Measure, Table, Variable
from .tables import ExportParams
from .text_formats import iter_csv, iter_table_csv, iter_xlsx


class ZipSink:
    """A write-only, unseekable stream a zip is written to and emptied from, piece by
    piece (zipfile then writes data descriptors): for zips that are sent as they are made."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


@dataclass
class ExportInfo:
    params: ExportParams
    format: str
    language: str
    made_at: datetime
    version: str


def _counted(rows: Iterable[tuple], counts: dict[str, int], name: str) -> Iterator[tuple]:
    n = 0
    for row in rows:
        n += 1
        yield row
    counts[name] = n


def table_writer(fmt: str) -> Callable[[Table], Iterator[bytes]]:
    if fmt == Format.CSV:
        return iter_table_csv
    if fmt == Format.SAV:
        from .sav import iter_sav

        return iter_sav
    if fmt == Format.DTA:
        from .dta import iter_dta

        return iter_dta
    raise ValueError(fmt)


def build_tables(params: ExportParams) -> list[Table]:
    pid = Pseudonymiser(program_secret(params.program))
    return [build(params, pid) for build in research_tables.TABLES]


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """Every table read from one snapshot of the database: a session saved while the export
    runs is in all of its tables or in none. On PostgreSQL a read-only REPEATABLE READ
    transaction; inside a transaction already open (tests), that transaction's view."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def iter_export(info: ExportInfo) -> Iterator[bytes]:
    """The zip's bytes, in pieces. Labels in the export's language: they are made when the
    tables are built and when the codebook is written, so no language stays switched on
    while the generator waits between pieces."""
    # The pseudonym key may have to be made: before the read-only snapshot.
    program_secret(info.params.program)
    with _one_snapshot():
        yield from _iter_export(info)


def _iter_export(info: ExportInfo) -> Iterator[bytes]:
    sink = ZipSink()
    counts: dict[str, int] = {}
    with translation.override(info.language):
        tables = build_tables(info.params)
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if info.format == Format.XLSX:
            for table in tables:
                table.rows = _counted(table.rows, counts, table.name)
            with archive.open("tables.xlsx", "w", force_zip64=True) as entry:
                for data in iter_xlsx(tables, {}):
                    entry.write(data)
                    yield sink.drain()
        else:
            write = table_writer(info.format)
            for table in tables:
                table.rows = _counted(table.rows, counts, table.name)
                name = f"{table.name}.{info.format}"
                with archive.open(name, "w", force_zip64=True) as entry:
                    for data in write(table):
                        entry.write(data)
                        yield sink.drain()
        with translation.override(info.language):
            archive.writestr("codebook.csv", b"".join(iter_csv(*codebook_rows(tables))))
            archive.writestr("codebook.html", codebook_html(tables, info))
            archive.writestr("README.txt", readme(info, tables, counts))
    yield sink.drain()


# --- Codebook and README -----------------------------------------------------------------


def _kind_label(variable: Variable) -> str:
    return {Kind.NUMERIC: _("numeric"), Kind.STRING: _("text"), Kind.DATE: _("date")}[variable.kind]


def _measure_label(variable: Variable) -> str:
    return {
        Measure.NOMINAL: _("nominal"),
        Measure.ORDINAL: _("ordinal"),
        Measure.SCALE: _("scale"),
    }[variable.measure]


def _pairs(values: dict) -> str:
    return "; ".join(f"{code} = {label}" for code, label in values.items())


def codebook_rows(tables: list[Table]) -> tuple[list[str], list[list[str]]]:
    header = [
        _("table"), _("variable"), _("label"), _("type"), _("measure"), _("values"),
        _("missing values"), _("source"),
    ]  # fmt: skip
    rows = [
        [
            table.name,
            variable.name,
            variable.label,
            _kind_label(variable),
            _measure_label(variable),
            _pairs(variable.values),
            _pairs(variable.missing),
            variable.source,
        ]
        for table in tables
        for variable in table.variables
    ]
    return header, rows


def codebook_html(tables: list[Table], info: ExportInfo) -> str:
    return render_to_string(
        "exports/codebook.html",
        {
            "tables": [
                {
                    "table": table,
                    "variables": [
                        {
                            "variable": v,
                            "kind": _kind_label(v),
                            "measure": _measure_label(v),
                            "values": list(v.values.items()),
                            "missing": list(v.missing.items()),
                        }
                        for v in table.variables
                    ],
                }
                for table in tables
            ],
            "info": info,
            "language": info.language,
        },
    )


def readme(info: ExportInfo, tables: list[Table], counts: dict[str, int]) -> str:
    params = info.params
    lines = [
        _("Research export of %(program)s") % {"program": params.program.display_name},
        "",
        _("Program: %(name)s (%(slug)s)")
        % {"name": params.program.display_name, "slug": params.program.slug},  # fmt: skip
        _("Date range: %(start)s to %(end)s")
        % {"start": params.date_from.isoformat(), "end": params.date_to.isoformat()},
        _("Communities: %(names)s")
        % {"names": ", ".join(f"{c.display_name} ({c.code})" for c in params.communities)},
        _("Format: %(format)s") % {"format": Format(info.format).label},
        _("Language of the labels: %(language)s") % {"language": info.language},
        (
            _("Identified: names, dates of birth, contact details and free text included.")
            if params.identified
            else _(
                "De-identified: people appear under pseudonymous IDs that are the same in "
                "every table and every export of this program; no names, phone numbers, "
                "addresses, dates of birth (age in completed years on the range's last day "
                "instead) or free text."
            )
        ),
        _("Made at: %(when)s") % {"when": timezone.localtime(info.made_at).isoformat()},
        _("Made by: Tongban %(version)s") % {"version": info.version},
        "",
        _("Files and rows:"),
    ]
    lines += [f"  {table.name}: {counts.get(table.name, 0)}" for table in tables]
    lines += [
        "",
        _(
            "Codes: choices are integers with value labels (codebook.html, codebook.csv); "
            "the CSV files hold the codes, the XLSX file their labels. A respondent not "
            "assessed has the reason as a declared missing value (negative codes) in every "
            "answer column. Dates are YYYY-MM-DD."
        ),
        "",
    ]
    return "\n".join(lines)
