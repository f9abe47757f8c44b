"""What an export file holds, independent of its format: a table is a list of variables and
an iterable of rows (tuples in the variables' order).

The writers (csv_xlsx.py, sav.py, dta.py) take a `Table` and stream it; the codebook reads
the same variables. Names follow SPSS's rules and Stata's tighter ones (a letter first,
letters, digits and underscores, at most 32 ASCII characters), so one name works everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import BinaryIO

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")

# SPSS byte limits (UTF-8): a variable label, a value label.
VARIABLE_LABEL_BYTES = 255
VALUE_LABEL_BYTES = 120


class Kind(StrEnum):
    # An integer or decimal number; codes of a choice are integers with value labels.
    NUMERIC = "numeric"
    # Text of at most `width` bytes in UTF-8 (pseudonymous IDs, codes).
    STRING = "string"
    # A calendar date (None when unknown).
    DATE = "date"


class Measure(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    SCALE = "scale"


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    kind: Kind = Kind.NUMERIC
    measure: Measure = Measure.SCALE
    # Codes and their labels (integers for numeric variables).
    values: dict[int | str, str] = field(default_factory=dict)
    # Declared missing values: code -> reason ("not assessed: refused"). Numeric only, all
    # negative, so SPSS can declare them as one range (lowest..-1) and Stata as .a, .b, ...
    missing: dict[int, str] = field(default_factory=dict)
    # Bytes for a string variable (UTF-8).
    width: int = 8
    # Where the value comes from (model.field or how it is derived), for the codebook.
    source: str = ""

    def __post_init__(self) -> None:
        if not NAME_RE.match(self.name):
            raise ValueError(f"not a valid variable name: {self.name!r}")
        if any(code >= 0 for code in self.missing):
            raise ValueError(f"{self.name}: declared missing codes must be negative")


@dataclass
class Table:
    # The file's name without extension (people, attendance, ...): also a valid name.
    name: str
    label: str
    variables: list[Variable]
    # Tuples in the order of `variables`: int/float/None for numeric, str/None for string,
    # datetime.date/None for date. Read once, as it is written.
    rows: Iterable[tuple]


def cut_utf8(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, at a character boundary."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


SPSS_EPOCH = date(1582, 10, 14)
STATA_EPOCH = date(1960, 1, 1)


def stata_missing_letters(variable: Variable) -> dict[int, str]:
    """Stata's extended missing value for each declared missing code: -1 is .a, -2 is .b, and
    so on from -1 downwards, so adding a further code keeps the letters of the others."""
    codes = sorted(variable.missing, reverse=True)
    if len(codes) > 26:
        raise ValueError(f"{variable.name}: Stata has 26 extended missing values (.a to .z)")
    return {code: chr(ord("a") + index) for index, code in enumerate(codes)}


# Words neither SPSS (any case) nor Stata (as written, and str1, str2, ...) take as a name.
SPSS_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
STATA_RESERVED = {"byte", "double", "float", "if", "in", "int", "long", "strL", "using", "with"}


def reserved_name(name: str) -> bool:
    """True if SPSS or Stata would refuse `name` as a variable name."""
    return (
        name.upper() in SPSS_RESERVED
        or name in STATA_RESERVED
        or re.fullmatch(r"str[0-9]+", name) is not None
    )


def check_names(variables: list[Variable]) -> None:
    """Refuse reserved names and names used twice (SPSS does not tell case apart)."""
    seen: set[str] = set()
    for variable in variables:
        if reserved_name(variable.name):
            raise ValueError(f"{variable.name}: a reserved word in SPSS or Stata")
        if variable.name.upper() in seen:
            raise ValueError(f"{variable.name}: the name is used twice")
        seen.add(variable.name.upper())


def write_all(pieces: Generator[bytes, None, int], out: BinaryIO) -> int:
    """Write a writer's pieces (iter_sav, iter_dta) to `out`; return the rows it counted."""
    while True:
        try:
            piece = next(pieces)
        except StopIteration as done:
            return done.value
        out.write(piece)
