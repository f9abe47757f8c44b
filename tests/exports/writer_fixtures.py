"""Shared pieces of the .sav and .dta writer tests: outputs that cannot seek, a labelled
table in Chinese and in English, and a large table produced one row at a time."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from tongban.exports.spec import Kind, Measure, Table, Variable

# 200 Chinese characters: 600 bytes of UTF-8, more than any label limit.
LONG_ZH = "".join(chr(0x4E00 + i) for i in range(200))
# One ASCII letter first, so that a cut at a fixed byte count would fall inside a character
# (255 - 1 and 120 - 1 are not multiples of 3).
LONG_MIXED = "a" + LONG_ZH


class NonSeekable(io.RawIOBase):
    """A write-only stream like a streaming HTTP response: no seek, no tell."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data) -> int:
        return self.buffer.write(data)

    def tell(self) -> int:
        raise OSError("not seekable")

    def seek(self, *args) -> int:
        raise OSError("not seekable")

    def getvalue(self) -> bytes:
        return self.buffer.getvalue()


class CountingSink(io.RawIOBase):
    """Counts what is written and keeps none of it, so the memory test measures the writer."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data) -> int:
        self.size += len(data)
        return len(data)


def people_table(lang: str = "en") -> Table:
    """A small labelled table; its rows are a generator, so they can be read only once."""
    zh = lang == "zh"
    variables = [
        Variable(
            "person_id",
            "匿名编号" if zh else "Pseudonymous ID",
            Kind.STRING,
            Measure.NOMINAL,
            width=12,
        ),
        Variable(
            "sex",
            "服务对象的性别" if zh else "Sex of the service user",
            measure=Measure.NOMINAL,
            values={1: "男", 2: "女"} if zh else {1: "male", 2: "female"},
            missing={-1: "未评估：拒绝回答", -2: "未评估：住院"}
            if zh
            else {-1: "not assessed: refused", -2: "not assessed: in hospital"},
        ),
        Variable(
            "education",
            "教育程度" if zh else "Education",
            measure=Measure.ORDINAL,
            values={1: "小学", 2: "中学", 3: "大学"}
            if zh
            else {1: "primary", 2: "secondary", 3: "tertiary"},
        ),
        Variable("age", "年龄（周岁）" if zh else "Age in completed years"),
        Variable("enrolled_on", "入组日期" if zh else "Enrolled on", Kind.DATE),
        Variable("community", "社区" if zh else "Community", Kind.STRING, Measure.NOMINAL, width=9),
    ]
    rows = [
        ("P0001", 1, 1, 34, date(2020, 1, 2), "甲社区"),
        ("P0002", 2, 3, 41.5, date(1960, 1, 1), "Alpha"),
        ("P0003", -1, None, None, None, None),
        # The first Gregorian day, one day after SPSS's day 0; 27 bytes of text for 9.
        (None, -2, 2, 0, date(1582, 10, 15), "乙社区乙社区乙社区"),
        ("P0005", None, 2, 70, date(2026, 12, 3), ""),
    ]
    return Table(
        name="people",
        label="服务对象" if zh else "Service users",
        variables=variables,
        rows=(row for row in rows),
    )


def long_label_table() -> Table:
    variables = [
        Variable("zh_label", LONG_ZH, values={1: LONG_ZH}),
        Variable("mixed_label", LONG_MIXED, values={1: LONG_MIXED}),
    ]
    return Table("labels", LONG_ZH, variables, rows=iter([(1, 1)]))


def big_table(rows: int) -> Table:
    """`rows` rows made one at a time: a number, a code, a date and a string of 20 bytes."""
    variables = [
        Variable("row", "Row"),
        Variable("code", "Code", measure=Measure.NOMINAL, values={0: "zero"}, missing={-1: "x"}),
        Variable("held_on", "Held on", Kind.DATE),
        Variable("person_id", "Person", Kind.STRING, Measure.NOMINAL, width=20),
    ]
    start = date(2020, 1, 1)

    def generate() -> Iterator[tuple]:
        for i in range(rows):
            yield (i, i % 5 - 1, start + timedelta(days=i % 1000), f"P{i:019d}")

    return Table("attendance", "Attendance", variables, rows=generate())


def peak_memory(write: Callable, rows: int) -> tuple[int, int, int]:
    """Peak traced memory while writing `rows` rows, the rows written and the bytes out."""
    sink = CountingSink()
    table = big_table(rows)
    tracemalloc.start()
    try:
        written = write(sink, table)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, written, sink.size


def write_in_zip(write: Callable, table: Table, entry: str, path: Path) -> int:
    """Write `table` into a streamed zip entry over an output that cannot seek, then unpack
    the entry to `path` (pyreadstat reads files by name)."""
    sink = NonSeekable()
    with (
        zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(entry, "w", force_zip64=True) as out,
    ):
        written = write(out, table)
    with zipfile.ZipFile(io.BytesIO(sink.getvalue())) as archive:
        assert archive.testzip() is None
        path.write_bytes(archive.read(entry))
    return written
