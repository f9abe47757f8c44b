"""CSV and XLSX writers, as generators of bytes so that an export streams.

CSV holds the codes (the codebook gives their labels), as R and Stata users expect; it
starts with a byte-order mark so that Excel opens the Chinese correctly. XLSX, read by
people in Excel, holds the labels, one sheet per table.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .spec import Kind, Table, Variable

BOM = "\ufeff".encode()
ROWS_PER_CHUNK = 2000
# An XLSX sheet holds 1,048,576 rows; the header takes one.
XLSX_ROWS_PER_SHEET = 1_048_575
READ_SIZE = 1 << 16


def _csv_value(value) -> object:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return value


def iter_csv(header: list[str], rows: Iterable[Iterable], *, bom: bool = True) -> Iterator[bytes]:
    """A CSV file, yielded a few thousand rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    pending = 1
    first = True
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            data = buffer.getvalue().encode()
            yield (BOM + data) if first and bom else data
            first = False
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    data = buffer.getvalue().encode()
    yield (BOM + data) if first and bom else data


def iter_table_csv(table: Table) -> Iterator[bytes]:
    return iter_csv([v.name for v in table.variables], table.rows)


def labelled(variable: Variable, value):
    """What a person reads in a cell: a code's label, a declared missing value's reason."""
    if value is None:
        return None
    if variable.kind == Kind.NUMERIC:
        if value in variable.missing:
            return variable.missing[value]
        if variable.values:
            return variable.values.get(value, value)
    return value


def iter_xlsx(tables: Iterable[Table], counts: dict[str, int]) -> Iterator[bytes]:
    """One workbook, a sheet per table (a table longer than a sheet continues on the next),
    written row by row by openpyxl's write-only mode to a temporary file, then yielded."""
    workbook = Workbook(write_only=True)
    for table in tables:
        part = 1
        sheet = workbook.create_sheet(table.name[:31])
        sheet.append([v.name for v in table.variables])
        written = 0
        n = 0
        for row in table.rows:
            if written == XLSX_ROWS_PER_SHEET:
                part += 1
                sheet = workbook.create_sheet(f"{table.name[:27]} ({part})")
                sheet.append([v.name for v in table.variables])
                written = 0
            cells = []
            for variable, value in zip(table.variables, row, strict=True):
                cell = WriteOnlyCell(sheet, value=labelled(variable, value))
                if variable.kind == Kind.DATE and value is not None:
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
            written += 1
            n += 1
        counts[table.name] = n
        yield b""  # a chance for the caller to send what is ready
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while data := spool.read(READ_SIZE):
            yield data
