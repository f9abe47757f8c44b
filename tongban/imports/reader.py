"""Reading the import files: bytes to typed rows, every bad cell an error naming its file,
row and column (rows are numbered as a spreadsheet shows them: the header is row 1)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import spec

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CLOCK = re.compile(r"^\d{1,2}:\d{2}$")
NUMBER = re.compile(r"^\d{1,5}$")
LARGEST = 32767  # the models' small whole numbers (an age, a score, months)
# What a zip may unpack to: the import files of a large program are far smaller.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024


@dataclass
class Problem:
    file: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if not self.file:
            return self.message
        if self.row is None:
            return _("%(file)s: %(message)s") % {"file": self.file, "message": self.message}
        if not self.column:
            return _("%(file)s row %(row)s: %(message)s") % {
                "file": self.file,
                "row": self.row,
                "message": self.message,
            }
        return _("%(file)s row %(row)s %(column)s: %(message)s") % {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)  # columns whose cell could not be read

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)

    def ok(self, *names: str) -> bool:
        return not self.bad.intersection(names)


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[Row]
    questions: list[str] = field(default_factory=list)  # interviews.csv's question columns
    # Not decodable, not CSV, or a column missing: its rows cannot be checked against the
    # other files, and those checks would only list the consequences.
    unreadable: bool = False


def sources_from_directory(directory: Path) -> dict[str, bytes]:
    """Every file of the directory (sub-directories are not read)."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def sources_from_zip(data: bytes) -> dict[str, bytes]:
    """The files of a zip, by their own name (a folder inside the zip is fine)."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise zipfile.BadZipFile("too large when unpacked")
        for info in archive.infolist():
            name = Path(info.filename).name
            if info.is_dir() or not name or name.startswith(("._", ".")):
                continue
            out[name] = archive.read(info)
    return out


def sources_from_uploads(uploads) -> dict[str, bytes]:
    """Uploaded files (CSV files, zips of them) by name; ValueError with the reason for
    a zip that cannot be read."""
    sources: dict[str, bytes] = {}
    for upload in uploads:
        data = upload.read()
        if upload.name.lower().endswith(".zip"):
            try:
                sources.update(sources_from_zip(data))
            except zipfile.BadZipFile:
                raise ValueError(_("%(name)s is not a zip file.") % {"name": upload.name}) from None
        else:
            sources[Path(upload.name).name] = data
    return sources


def _choice_lookup(choices) -> dict[str, str]:
    """Code, Chinese label and English label (any case) -> code."""
    lookup: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup.setdefault(str(label).strip().lower(), value)
    for value in choices.values:
        lookup[value.lower()] = value
    return lookup


def _cell(column: spec.Column, text: str, lookups: dict) -> Any:
    """The typed value of a non-blank cell; ValueError with the reason when unreadable."""
    if column.kind == spec.DATE:
        try:
            if not DATE.match(text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("%(value)s is not a valid date") % {"value": text}) from None
    if column.kind == spec.TIME:
        try:
            if not CLOCK.match(text):
                raise ValueError
            return time.fromisoformat(text.zfill(5))
        except ValueError:
            raise ValueError(_("%(value)s is not a valid time (HH:MM)") % {"value": text}) from None
    if column.kind == spec.MOMENT:
        try:
            day, clock = text.split()
            if not DATE.match(day) or not CLOCK.match(clock):
                raise ValueError
            moment = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock.zfill(5)))
        except ValueError:
            raise ValueError(
                _("%(value)s is not a valid date and time (YYYY-MM-DD HH:MM)") % {"value": text}
            ) from None
        return timezone.make_aware(moment)
    if column.kind in (spec.CHOICE, spec.YES_NO):
        lookup = lookups.setdefault(column.choices, _choice_lookup(column.choices))
        try:
            return lookup[text.lower()]
        except KeyError:
            raise ValueError(
                _("%(value)s is not one of the codes (%(codes)s)")
                % {"value": text, "codes": ", ".join(column.choices.values)}
            ) from None
    if column.kind == spec.NUMBER:
        if not NUMBER.match(text) or int(text) > LARGEST:
            raise ValueError(_("%(value)s is not a whole number") % {"value": text})
        return int(text)
    if column.kind == spec.LIST:
        return [part.strip() for part in text.split(";") if part.strip()]
    if column.max_length and len(text) > column.max_length:
        raise ValueError(
            _("%(value)s is longer than %(max)s characters")
            % {"value": text, "max": column.max_length}
        )
    return text


def read(
    sources: dict[str, bytes], *, question_codes: set[str]
) -> tuple[dict[str, Table], list[Problem]]:
    """Every known file read into a Table (a missing file: an empty one); the problems of
    every file, header and cell."""
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    for name in sources:
        if name not in spec.FILES:
            problems.append(
                Problem(
                    name,
                    None,
                    "",
                    _("unknown file (the files are %(files)s)") % {"files": ", ".join(spec.FILES)},
                )
            )
    lookups: dict = {}
    for name, columns in spec.FILES.items():
        by_name = {c.name: c for c in columns}
        data = sources.get(name)
        if data is None:
            tables[name] = Table(name, [], [])
            continue
        try:
            text = data.decode("utf-8-sig")  # with or without the BOM Excel writes
        except UnicodeDecodeError:
            problems.append(
                Problem(
                    name, None, "", _("the file is not UTF-8 text (in Excel: Save as, CSV UTF-8)")
                )
            )
            tables[name] = Table(name, [], [], unreadable=True)
            continue
        try:
            lines = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            problems.append(
                Problem(
                    name, None, "", _("the file is not valid CSV (%(error)s)") % {"error": error}
                )
            )
            tables[name] = Table(name, [], [], unreadable=True)
            continue
        header = [h.strip() for h in lines[0]] if lines else []
        questions = []
        known: list[spec.Column | None] = []
        for heading in header:
            if heading in by_name:
                known.append(by_name[heading])
            elif name == "interviews.csv" and heading in question_codes:
                known.append(spec.Column(heading, spec.CHOICE, choices=spec.QUESTION.choices))
                questions.append(heading)
            else:
                known.append(None)
                problems.append(
                    Problem(name, None, "", _("unknown column %(column)s") % {"column": heading})
                )
        for duplicate in sorted({h for h in header if header.count(h) > 1}):
            problems.append(
                Problem(
                    name, None, "", _("column %(column)s appears twice") % {"column": duplicate}
                )
            )
        missing = [c for c in columns if c.name not in header and not c.optional_column]
        for column in missing:
            problems.append(
                Problem(name, None, "", _("column %(column)s is missing") % {"column": column.name})
            )
        rows = []
        for number, cells in enumerate(lines[1:], start=2):
            if not any(c.strip() for c in cells):
                continue  # blank lines, as spreadsheets leave them at the end
            row = Row(number, {})
            if len(cells) > len(header):
                problems.append(
                    Problem(name, number, "", _("the row has more cells than the header"))
                )
            for index, column in enumerate(known):
                if column is None:
                    continue
                value = cells[index].strip() if index < len(cells) else ""
                if not value:
                    row.values[column.name] = [] if column.kind == spec.LIST else None
                    if column.required:
                        row.bad.add(column.name)
                        problems.append(Problem(name, number, column.name, _("is blank")))
                    continue
                try:
                    row.values[column.name] = _cell(column, value, lookups)
                except ValueError as error:
                    row.values[column.name] = None
                    row.bad.add(column.name)
                    problems.append(Problem(name, number, column.name, str(error)))
            rows.append(row)
        tables[name] = Table(name, header, rows, questions, unreadable=bool(missing))
    return tables, problems
