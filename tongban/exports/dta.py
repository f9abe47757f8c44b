"""Stata .dta writer (format 118, Stata 14 and later, UTF-8) that streams rows.

The layout follows Stata's "dta" file format documentation: tagged sections, a map of their
offsets, then the data and the value labels. The header holds the number of rows, known only
at the end, so rows are encoded into a temporary file on disk while they are counted; then
the header, the map (every offset follows from the row count) and the sections are written to
`out` in order, and the spooled data is copied across in blocks. `out` is never seeked, so it
may be a zip entry or a streaming response.

Numbers and dates are doubles; strings are fixed-width str# of at most 2045 bytes. Declared
missing codes become extended missing values (.a, .b, ... see spec.stata_missing_letters),
whose reasons are labels of those values; None is system missing (.).
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Generator
from datetime import datetime
from typing import BinaryIO

from .spec import (
    STATA_EPOCH,
    Kind,
    Table,
    Variable,
    check_names,
    cut_utf8,
    stata_missing_letters,
    write_all,
)

RELEASE = b"118"
TYPE_DOUBLE = 65526
MAX_STRING_WIDTH = 2045
# Bit patterns of system missing (.) and of .a; .b is .a plus one step, and so on.
MISSING_BITS = 0x7FE0000000000000
MISSING_A_BITS = MISSING_BITS + 0x010000000000
MISSING_STEP = 0x010000000000
# The integers that stand for .a, .b, ... in a value label table.
MISSING_A_LABEL = 0x7FFFFFE6
NAME_BYTES = 129
FORMAT_BYTES = 57
LABEL_BYTES = 321
# Stata's limits: 80 characters in a variable or dataset label, 32,000 bytes in a value label.
LABEL_CHARACTERS = 80
VALUE_LABEL_BYTES = 32000
# Encoded rows are gathered up to this size before each write.
FLUSH_BYTES = 1 << 16
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _double(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


SYSTEM_MISSING = _double(MISSING_BITS)


def _fixed(data: bytes, size: int) -> bytes:
    """`data` null-padded to `size` bytes (the caller keeps it short enough)."""
    return data.ljust(size, b"\0")


def _label(text: str) -> bytes:
    return cut_utf8(str(text)[:LABEL_CHARACTERS], LABEL_BYTES - 1).encode("utf-8")


def _cut_bytes(data: bytes, limit: int) -> bytes:
    """UTF-8 `data` cut to at most `limit` bytes, never inside a character."""
    if len(data) <= limit:
        return data
    return data[:limit].decode("utf-8", errors="ignore").encode("utf-8")


def _width(variable: Variable) -> int:
    """Bytes of a value in a row: 8 for a double, the str# width for a string."""
    if variable.kind == Kind.STRING:
        return min(max(variable.width, 1), MAX_STRING_WIDTH)
    return 8


def _format(variable: Variable) -> bytes:
    if variable.kind == Kind.STRING:
        return f"%{_width(variable)}s".encode()
    if variable.kind == Kind.DATE:
        return b"%td"
    return b"%9.0g"


def _label_entries(variable: Variable) -> list[tuple[int, bytes]]:
    """A numeric variable's value labels as (integer in the table, UTF-8 text), sorted."""
    if variable.kind != Kind.NUMERIC:
        return []
    entries = [(int(code), text) for code, text in variable.values.items()]
    letters = stata_missing_letters(variable)
    entries += [
        (MISSING_A_LABEL + ord(letters[code]) - ord("a"), reason)
        for code, reason in variable.missing.items()
    ]
    for code, _ in entries:
        if not -(2**31) <= code < 2**31:
            raise ValueError(f"{variable.name}: value label code {code} is not a 32-bit integer")
    return sorted(
        (code, cut_utf8(str(text), VALUE_LABEL_BYTES - 1).encode("utf-8")) for code, text in entries
    )


def _value_labels(variables: list[Variable]) -> bytes:
    """<value_labels>: one table per labelled variable, named after it."""
    parts = [b"<value_labels>"]
    for variable in variables:
        entries = _label_entries(variable)
        if not entries:
            continue
        offsets, text = [], bytearray()
        for _, label in entries:
            offsets.append(len(text))
            text += label + b"\0"
        n = len(entries)
        table = (
            struct.pack("<ii", n, len(text))
            + struct.pack(f"<{n}i", *offsets)
            + struct.pack(f"<{n}i", *(code for code, _ in entries))
            + bytes(text)
        )
        name = _fixed(variable.name.encode("ascii"), NAME_BYTES)
        parts.append(
            b"<lbl>" + struct.pack("<i", len(table)) + name + b"\0\0\0" + table + b"</lbl>"
        )
    parts.append(b"</value_labels>")
    return b"".join(parts)


def _header(table: Table, rows: int) -> bytes:
    label = _label(table.label)
    now = datetime.now()
    stamp = f"{now:%d} {_MONTHS[now.month - 1]} {now:%Y %H:%M}".encode("ascii")
    return b"".join(
        [
            b"<stata_dta><header><release>" + RELEASE + b"</release>",
            b"<byteorder>LSF</byteorder>",
            b"<K>" + struct.pack("<H", len(table.variables)) + b"</K>",
            b"<N>" + struct.pack("<Q", rows) + b"</N>",
            b"<label>" + struct.pack("<H", len(label)) + label + b"</label>",
            b"<timestamp>" + bytes([len(stamp)]) + stamp + b"</timestamp>",
            b"</header>",
        ]
    )


def _sections(variables: list[Variable]) -> list[bytes]:
    """The sections between the map and the data, in file order."""
    labelled = {v.name for v in variables if _label_entries(v)}
    return [
        b"<variable_types>"
        + b"".join(
            struct.pack("<H", _width(v) if v.kind == Kind.STRING else TYPE_DOUBLE)
            for v in variables
        )
        + b"</variable_types>",
        b"<varnames>"
        + b"".join(_fixed(v.name.encode("ascii"), NAME_BYTES) for v in variables)
        + b"</varnames>",
        b"<sortlist>" + b"\0\0" * (len(variables) + 1) + b"</sortlist>",
        b"<formats>"
        + b"".join(_fixed(_format(v), FORMAT_BYTES) for v in variables)
        + b"</formats>",
        b"<value_label_names>"
        + b"".join(
            _fixed(v.name.encode("ascii") if v.name in labelled else b"", NAME_BYTES)
            for v in variables
        )
        + b"</value_label_names>",
        b"<variable_labels>"
        + b"".join(_fixed(_label(v.label), LABEL_BYTES) for v in variables)
        + b"</variable_labels>",
        b"<characteristics></characteristics>",
    ]


def _encoders(variables: list[Variable]) -> list:
    """One function per variable turning a row's value into what struct packs for it."""
    epoch = STATA_EPOCH.toordinal()

    def number(missing: dict[int, float]):
        def encode(value: object) -> float:
            if value is None or value != value:  # None or NaN: system missing
                return SYSTEM_MISSING
            tagged = missing.get(value)  # type: ignore[call-overload]
            return float(value) if tagged is None else tagged  # type: ignore[arg-type]

        return encode

    def day(value: object) -> float:
        if value is None:
            return SYSTEM_MISSING
        return float(value.toordinal() - epoch)  # type: ignore[attr-defined]

    def text(width: int):
        def encode(value: object) -> bytes:
            if value is None:
                return b""
            return _cut_bytes(str(value).encode("utf-8"), width)

        return encode

    encoders = []
    for variable in variables:
        if variable.kind == Kind.STRING:
            encoders.append(text(_width(variable)))
        elif variable.kind == Kind.DATE:
            encoders.append(day)
        else:
            letters = stata_missing_letters(variable)
            missing = {
                code: _double(MISSING_A_BITS + MISSING_STEP * (ord(letter) - ord("a")))
                for code, letter in letters.items()
            }
            encoders.append(number(missing))
    return encoders


def _spool_rows(spool: BinaryIO, variables: list[Variable], rows) -> int:
    # struct's "s" pads strings with null bytes, as Stata's str# wants.
    record = struct.Struct(
        "<" + "".join(f"{_width(v)}s" if v.kind == Kind.STRING else "d" for v in variables)
    )
    encoders = _encoders(variables)
    count = len(variables)
    block = bytearray()
    written = 0
    for row in rows:
        if len(row) != count:
            raise ValueError(f"row {written + 1} has {len(row)} values, expected {count}")
        block += record.pack(*[encode(value) for encode, value in zip(encoders, row, strict=True)])
        written += 1
        if len(block) >= FLUSH_BYTES:
            spool.write(block)
            block.clear()
    spool.write(block)
    return written


def iter_dta(table: Table) -> Generator[bytes, None, int]:
    """The .dta file of `table` in pieces: nothing until every row is spooled (the header
    needs their number), then pieces of about FLUSH_BYTES; the generator returns the number
    of rows."""
    variables = table.variables
    check_names(variables)
    # Fail on labels Stata cannot hold before spending time on the rows.
    labels = _value_labels(variables)
    with tempfile.TemporaryFile() as spool:
        rows = _spool_rows(spool, variables, table.rows)
        data_bytes = spool.tell()
        spool.seek(0)

        header = _header(table, rows)
        sections = _sections(variables)
        map_bytes = len(b"<map>") + 14 * 8 + len(b"</map>")
        # The map: where each section begins, then </stata_dta> and the end of the file.
        offsets = [0, len(header)]
        position = len(header) + map_bytes
        for section in sections:
            offsets.append(position)
            position += len(section)
        offsets.append(position)  # <data>
        position += len(b"<data>") + data_bytes + len(b"</data>")
        strls = b"<strls></strls>"
        offsets.append(position)  # <strls>
        position += len(strls)
        offsets.append(position)  # <value_labels>
        position += len(labels)
        offsets.append(position)  # </stata_dta>
        offsets.append(position + len(b"</stata_dta>"))  # end of file

        yield (
            header
            + b"<map>"
            + struct.pack("<14Q", *offsets)
            + b"</map>"
            + b"".join(sections)
            + b"<data>"
        )
        while block := spool.read(FLUSH_BYTES):
            yield block
    yield b"</data>" + strls + labels + b"</stata_dta>"
    return rows


def write_dta(out: BinaryIO, table: Table) -> int:
    """Write `table` to `out` as a Stata 118 .dta file, reading its rows once; return how many."""
    return write_all(iter_dta(table), out)
