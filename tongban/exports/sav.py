"""SPSS system file (.sav) writer that streams rows straight to `out`.

The layout follows the PSPP manual, "System File Format": a file header, one variable record
per 8-byte slot (long strings take continuation records), value labels (records 3 and 4,
7/21 for strings longer than 8 bytes), extension records (7/3 machine integers with UTF-8 as
the character code, 7/4 floating point, 7/11 measure levels, 7/13 long names, 7/20 the
encoding), the dictionary terminator (999), then uncompressed cases. The header's case count
is -1 ("unknown"), so nothing has to be known before the first row and `out` is never
seeked: it may be a zip entry or a streaming response.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Generator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from .spec import (
    SPSS_EPOCH,
    SPSS_RESERVED,
    VALUE_LABEL_BYTES,
    VARIABLE_LABEL_BYTES,
    Kind,
    Measure,
    Table,
    Variable,
    check_names,
    cut_utf8,
    write_all,
)

SYSMIS = -sys.float_info.max
HIGHEST = sys.float_info.max
# SPSS's LOWEST: the double just above SYSMIS (PSPP manual, machine floating-point record).
LOWEST = struct.unpack("<d", struct.pack("<Q", 0xFFEFFFFFFFFFFFFE))[0]

MAX_STRING_WIDTH = 255
# Format type codes (PSPP manual, "Variable Record").
_FORMAT_A = 1
_FORMAT_F = 5
_FORMAT_DATE = 20
_MEASURE_CODES = {Measure.NOMINAL: 1, Measure.ORDINAL: 2, Measure.SCALE: 3}
_ALIGN_LEFT, _ALIGN_RIGHT = 0, 1
_SECONDS_PER_DAY = 86400.0
# Encoded cases are gathered up to this size before each write, so a zip entry or a socket
# sees few large writes instead of one per row.
FLUSH_BYTES = 1 << 16


@dataclass(frozen=True)
class _Column:
    variable: Variable
    short_name: str
    # Bytes the value takes in a case: 8 for numbers, the width rounded up to 8 for strings.
    slot_bytes: int
    # Declared string width (1..255); 0 for numbers and dates.
    width: int

    @property
    def slots(self) -> int:
        return self.slot_bytes // 8


def _format(type_code: int, width: int, decimals: int) -> int:
    return (type_code << 16) | (width << 8) | decimals


def _short_names(variables: list[Variable]) -> list[str]:
    """Unique upper-case names of at most 8 bytes; record 7/13 maps them to the real names."""
    used: set[str] = set()
    names = []
    for variable in variables:
        candidate = variable.name[:8].upper()
        suffix = 0
        while candidate in used or candidate in SPSS_RESERVED:
            suffix += 1
            tail = str(suffix)
            candidate = variable.name[: 8 - len(tail)].upper() + tail
        used.add(candidate)
        names.append(candidate)
    return names


def _columns(variables: list[Variable]) -> list[_Column]:
    columns = []
    for variable, short_name in zip(variables, _short_names(variables), strict=True):
        if variable.kind == Kind.STRING:
            width = min(max(variable.width, 1), MAX_STRING_WIDTH)
            columns.append(_Column(variable, short_name, (width + 7) // 8 * 8, width))
        else:
            columns.append(_Column(variable, short_name, 8, 0))
    return columns


def _padded(data: bytes, size: int) -> bytes:
    return data.ljust(size, b" ")


# Month abbreviations in English whatever the locale, as SPSS writes them.
_MONTHS = (b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun")
_MONTHS += (b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec")


def _header(table: Table, slots: int) -> bytes:
    now = datetime.now()
    return struct.pack(
        "<4s60s5id9s8s64s3s",
        b"$FL2",
        _padded(b"@(#) SPSS DATA FILE - Tongban", 60),
        2,  # layout code
        slots,  # nominal case size, in 8-byte slots
        0,  # not compressed
        0,  # no weight variable
        -1,  # number of cases: unknown until the end (PSPP manual allows -1)
        100.0,  # compression bias
        now.strftime("%d ").encode() + _MONTHS[now.month - 1] + now.strftime(" %y").encode(),
        now.strftime("%H:%M:%S").encode(),
        _padded(cut_utf8(str(table.label), 64).encode("utf-8"), 64),
        b"\0\0\0",
    )


def _print_format(column: _Column) -> int:
    variable = column.variable
    if variable.kind == Kind.STRING:
        return _format(_FORMAT_A, column.width, 0)
    if variable.kind == Kind.DATE:
        return _format(_FORMAT_DATE, 11, 0)
    # Codes of nominal and ordinal variables are integers; scale values may have decimals.
    decimals = 2 if variable.measure == Measure.SCALE else 0
    return _format(_FORMAT_F, 8, decimals)


def _declares_missing(variable: Variable) -> bool:
    return variable.kind == Kind.NUMERIC and bool(variable.missing)


def _variable_records(column: _Column) -> bytes:
    variable = column.variable
    label = cut_utf8(str(variable.label), VARIABLE_LABEL_BYTES).encode("utf-8")
    fmt = _print_format(column)
    parts = [
        struct.pack(
            "<iiiiii8s",
            2,
            column.width,  # 0 numeric, else the string width
            1 if label else 0,
            -2 if _declares_missing(variable) else 0,  # -2: one range
            fmt,
            fmt,
            _padded(column.short_name.encode("ascii"), 8),
        )
    ]
    if label:
        parts.append(struct.pack("<i", len(label)))
        parts.append(_padded(label, (len(label) + 3) // 4 * 4))
    if _declares_missing(variable):
        # All declared codes are negative (spec.Variable), so one range covers them.
        parts.append(struct.pack("<dd", LOWEST, -1.0))
    # A string wider than 8 bytes takes one continuation record per further 8-byte slot.
    for _ in range(column.slots - 1):
        parts.append(struct.pack("<iiiiii8s", 2, -1, 0, 0, 0, 0, b" " * 8))
    return b"".join(parts)


def _value_label_text(label: str) -> bytes:
    return cut_utf8(str(label), VALUE_LABEL_BYTES).encode("utf-8")


def _numeric_labels(variable: Variable) -> dict[float, str]:
    """Value labels of a number: its codes and the reasons of its declared missing codes."""
    labels = {float(code): text for code, text in variable.values.items()}
    if variable.kind == Kind.NUMERIC:
        labels.update({float(code): reason for code, reason in variable.missing.items()})
    return labels


def _value_label_records(columns: list[_Column]) -> bytes:
    """Records 3 and 4: one label set per variable of numbers or of strings up to 8 bytes."""
    parts = []
    index = 1  # dictionary index of a variable: its first slot, counted from 1
    for column in columns:
        variable = column.variable
        entries: list[tuple[bytes, bytes]] = []
        if variable.kind == Kind.STRING and column.width <= 8:
            entries = [
                (_padded(_cut_bytes(str(code).encode("utf-8"), column.width), 8), text)
                for code, text in ((c, _value_label_text(t)) for c, t in variable.values.items())
            ]
        elif variable.kind != Kind.STRING:
            entries = [
                (struct.pack("<d", code), _value_label_text(text))
                for code, text in sorted(_numeric_labels(variable).items())
            ]
        if entries:
            parts.append(struct.pack("<ii", 3, len(entries)))
            for value, text in entries:
                # The label's length byte and text are padded together to a multiple of 8.
                size = (len(text) + 1 + 7) // 8 * 8
                parts.append(value + _padded(bytes([len(text)]) + text, size))
            parts.append(struct.pack("<iii", 4, 1, index))
        index += column.slots
    return b"".join(parts)


def _extension(subtype: int, size: int, count: int, data: bytes) -> bytes:
    return struct.pack("<iiii", 7, subtype, size, count) + data


def _long_string_labels(columns: list[_Column]) -> bytes:
    """Record 7/21: value labels of strings wider than 8 bytes."""
    data = []
    for column in columns:
        variable = column.variable
        if variable.kind != Kind.STRING or column.width <= 8 or not variable.values:
            continue
        name = variable.name.encode("ascii")
        data.append(struct.pack("<i", len(name)) + name)
        data.append(struct.pack("<ii", column.width, len(variable.values)))
        for code, text in variable.values.items():
            value = _padded(_cut_bytes(str(code).encode("utf-8"), column.width), column.width)
            label = _value_label_text(text)
            data.append(struct.pack("<i", len(value)) + value)
            data.append(struct.pack("<i", len(label)) + label)
    if not data:
        return b""
    body = b"".join(data)
    return _extension(21, 1, len(body), body)


def _dictionary(table: Table, columns: list[_Column]) -> bytes:
    slots = sum(column.slots for column in columns)
    parts = [_header(table, slots)]
    parts.extend(_variable_records(column) for column in columns)
    parts.append(_value_label_records(columns))
    # 7/3: version 20.0.0, unknown machine, IEEE floats, compression code 1, little-endian,
    # character code 65001 (UTF-8).
    parts.append(_extension(3, 4, 8, struct.pack("<8i", 20, 0, 0, -1, 1, 1, 2, 65001)))
    parts.append(_extension(4, 8, 3, struct.pack("<3d", SYSMIS, HIGHEST, LOWEST)))
    display = []
    for column in columns:
        variable = column.variable
        measure = variable.measure
        if variable.kind == Kind.STRING and measure == Measure.SCALE:
            measure = Measure.NOMINAL  # SPSS does not allow scale for strings
        if variable.kind == Kind.STRING:
            display.append(
                struct.pack("<3i", _MEASURE_CODES[measure], min(column.width, 40), _ALIGN_LEFT)
            )
        else:
            width = 11 if variable.kind == Kind.DATE else 8
            display.append(struct.pack("<3i", _MEASURE_CODES[measure], width, _ALIGN_RIGHT))
    parts.append(_extension(11, 4, 3 * len(columns), b"".join(display)))
    names = "\t".join(f"{c.short_name}={c.variable.name}" for c in columns).encode("ascii")
    parts.append(_extension(13, 1, len(names), names))
    parts.append(_extension(20, 1, 5, b"UTF-8"))
    parts.append(_long_string_labels(columns))
    parts.append(struct.pack("<ii", 999, 0))
    return b"".join(parts)


def _cut_bytes(data: bytes, limit: int) -> bytes:
    """UTF-8 `data` cut to at most `limit` bytes, never inside a character."""
    if len(data) <= limit:
        return data
    return data[:limit].decode("utf-8", errors="ignore").encode("utf-8")


def _encoders(columns: list[_Column]) -> list:
    """One function per column turning a row's value into what struct packs for it."""
    epoch = SPSS_EPOCH.toordinal()

    def number(value: object) -> float:
        if value is None or value != value:  # None or NaN: system missing
            return SYSMIS
        return float(value)  # type: ignore[arg-type]

    def day(value: object) -> float:
        if value is None:
            return SYSMIS
        return (value.toordinal() - epoch) * _SECONDS_PER_DAY  # type: ignore[attr-defined]

    def text(width: int, size: int):
        blank = b" " * size

        def encode(value: object) -> bytes:
            if value is None:
                return blank
            return _cut_bytes(str(value).encode("utf-8"), width).ljust(size, b" ")

        return encode

    encoders = []
    for column in columns:
        kind = column.variable.kind
        if kind == Kind.STRING:
            encoders.append(text(column.width, column.slot_bytes))
        elif kind == Kind.DATE:
            encoders.append(day)
        else:
            encoders.append(number)
    return encoders


def iter_sav(table: Table) -> Generator[bytes, None, int]:
    """The .sav file of `table` in pieces of about FLUSH_BYTES, reading its rows once as the
    pieces are taken; the generator returns the number of rows."""
    check_names(table.variables)
    columns = _columns(table.variables)
    yield _dictionary(table, columns)
    case = struct.Struct(
        "<" + "".join("d" if c.width == 0 else f"{c.slot_bytes}s" for c in columns)
    )
    encoders = _encoders(columns)
    count = len(columns)
    block = bytearray()
    written = 0
    for row in table.rows:
        if len(row) != count:
            raise ValueError(f"row {written + 1} has {len(row)} values, expected {count}")
        block += case.pack(*[encode(value) for encode, value in zip(encoders, row, strict=True)])
        written += 1
        if len(block) >= FLUSH_BYTES:
            yield bytes(block)
            block.clear()
    if block:
        yield bytes(block)
    return written


def write_sav(out: BinaryIO, table: Table) -> int:
    """Write `table` to `out` as an SPSS .sav file, reading its rows once; return how many."""
    return write_all(iter_sav(table), out)
