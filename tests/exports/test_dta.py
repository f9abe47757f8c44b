"""The Stata writer, read back with pyreadstat (ReadStat) as an independent reader."""

from __future__ import annotations

import io
import math
import struct
from datetime import date

import pandas as pd
import pyreadstat
import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from tests.exports.writer_fixtures import (
    LONG_MIXED,
    LONG_ZH,
    NonSeekable,
    big_table,
    long_label_table,
    peak_memory,
    people_table,
    write_in_zip,
)
from tongban.exports.dta import FLUSH_BYTES, iter_dta, write_dta
from tongban.exports.spec import Kind, Table, Variable


def write_file(table: Table, path) -> int:
    out = io.BytesIO()
    written = write_dta(out, table)
    path.write_bytes(out.getvalue())
    return written


def test_english_dictionary(tmp_path):
    path = tmp_path / "people.dta"
    assert write_file(people_table("en"), path) == 5
    _, meta = pyreadstat.read_dta(path, user_missing=True, metadataonly=True)

    assert meta.column_names == ["person_id", "sex", "education", "age", "enrolled_on", "community"]
    assert meta.column_labels == [
        "Pseudonymous ID",
        "Sex of the service user",
        "Education",
        "Age in completed years",
        "Enrolled on",
        "Community",
    ]
    assert meta.file_label == "Service users"
    # Declared missing codes are .a (-1) and .b (-2), labelled with their reasons.
    assert meta.variable_value_labels == {
        "sex": {
            1: "male",
            2: "female",
            "a": "not assessed: refused",
            "b": "not assessed: in hospital",
        },
        "education": {1: "primary", 2: "secondary", 3: "tertiary"},
    }
    assert meta.variable_to_label == {"sex": "sex", "education": "education"}
    assert meta.original_variable_types == {
        "person_id": "%12s",
        "sex": "%9.0g",
        "education": "%9.0g",
        "age": "%9.0g",
        "enrolled_on": "%td",
        "community": "%9s",
    }
    assert meta.readstat_variable_types == {
        "person_id": "string",
        "sex": "double",
        "education": "double",
        "age": "double",
        "enrolled_on": "double",
        "community": "string",
    }


def test_chinese_dictionary(tmp_path):
    path = tmp_path / "people.dta"
    write_file(people_table("zh"), path)
    _, meta = pyreadstat.read_dta(path, user_missing=True, metadataonly=True)

    assert meta.column_labels[:2] == ["匿名编号", "服务对象的性别"]
    assert meta.file_label == "服务对象"
    assert meta.variable_value_labels["sex"] == {
        1: "男",
        2: "女",
        "a": "未评估：拒绝回答",
        "b": "未评估：住院",
    }
    assert meta.variable_value_labels["education"] == {1: "小学", 2: "中学", 3: "大学"}


def test_long_labels(tmp_path):
    path = tmp_path / "labels.dta"
    write_file(long_label_table(), path)
    _, meta = pyreadstat.read_dta(path, metadataonly=True)

    # Stata holds 80 characters in a variable or dataset label (240 bytes here, within the
    # 320 the file allows); whole characters, never a part of one.
    assert meta.column_labels == [LONG_ZH[:80], LONG_MIXED[:80]]
    assert meta.file_label == LONG_ZH[:80]
    # Value labels may have 32,000 bytes in Stata: nothing is cut.
    assert meta.variable_value_labels == {
        "zh_label": {1: LONG_ZH},
        "mixed_label": {1: LONG_MIXED},
    }


def test_values(tmp_path):
    path = tmp_path / "people.dta"
    write_file(people_table("zh"), path)
    with_missing, _ = pyreadstat.read_dta(path, user_missing=True)
    plain, _ = pyreadstat.read_dta(path)

    assert list(with_missing["person_id"]) == ["P0001", "P0002", "P0003", "", "P0005"]
    # -1 and -2 are written as .a and .b; None as system missing.
    assert list(with_missing["sex"][:4]) == [1, 2, "a", "b"]
    assert math.isnan(with_missing["sex"][4])
    assert plain["sex"][:2].tolist() == [1.0, 2.0]
    assert plain["sex"][2:].isna().all()
    assert plain["age"][:2].tolist() == [34.0, 41.5]
    assert math.isnan(plain["age"][2])
    assert plain["age"][3] == 0.0
    assert list(plain["enrolled_on"][:2]) == [date(2020, 1, 2), date(1960, 1, 1)]
    assert list(plain["enrolled_on"][3:]) == [date(1582, 10, 15), date(2026, 12, 3)]
    # str9: "乙社区乙社区乙社区" (27 bytes) keeps three whole characters.
    assert list(plain["community"]) == ["甲社区", "Alpha", "", "乙社区", ""]


def test_pandas_reads_it_too():
    # pandas has its own .dta reader: a second opinion beside ReadStat's.
    out = io.BytesIO()
    write_dta(out, people_table("zh"))
    out.seek(0)
    with pd.io.stata.StataReader(out) as reader:
        frame = reader.read(convert_missing=True, convert_dates=False, convert_categoricals=False)
        variable_labels = reader.variable_labels()
        value_labels = reader.value_labels()
        data_label = reader.data_label

    assert data_label == "服务对象"
    assert variable_labels["sex"] == "服务对象的性别"
    # Stata keys the labels of .a and .b by 2,147,483,622 and 2,147,483,623.
    assert value_labels["sex"] == {
        1: "男",
        2: "女",
        2147483622: "未评估：拒绝回答",
        2147483623: "未评估：住院",
    }
    assert [str(value) for value in frame["sex"]] == ["1.0", "2.0", ".a", ".b", "."]
    assert list(frame["enrolled_on"][:2]) == [21916.0, 0.0]  # days since 1960-01-01
    assert list(frame["community"]) == ["甲社区", "Alpha", "", "乙社区", ""]


def test_map_points_at_each_section(tmp_path):
    path = tmp_path / "people.dta"
    write_file(people_table("en"), path)
    raw = path.read_bytes()
    start = raw.index(b"<map>") + len(b"<map>")
    offsets = struct.unpack_from("<14Q", raw, start)
    tags = [
        b"<stata_dta>",
        b"<map>",
        b"<variable_types>",
        b"<varnames>",
        b"<sortlist>",
        b"<formats>",
        b"<value_label_names>",
        b"<variable_labels>",
        b"<characteristics>",
        b"<data>",
        b"<strls>",
        b"<value_labels>",
        b"</stata_dta>",
    ]
    for offset, tag in zip(offsets, tags, strict=False):
        assert raw[offset : offset + len(tag)] == tag
    assert offsets[13] == len(raw)
    # N, the row count, in the header although the rows came after it was due.
    n_at = raw.index(b"<N>") + len(b"<N>")
    assert struct.unpack_from("<Q", raw, n_at)[0] == 5
    # Data: 5 rows of str12, four doubles and str9.
    assert offsets[10] - offsets[9] == len(b"<data>") + 5 * (12 + 4 * 8 + 9) + len(b"</data>")


def test_string_wider_than_2045_bytes_is_clipped(tmp_path):
    text = "长" * 700  # 2100 bytes
    table = Table(
        "notes",
        "Notes",
        [Variable("note", "Note", Kind.STRING, width=3000), Variable("n", "N")],
        rows=iter([(text, 1), ("short", 2)]),
    )
    path = tmp_path / "notes.dta"
    write_file(table, path)
    frame, meta = pyreadstat.read_dta(path)

    assert meta.original_variable_types["note"] == "%2045s"
    assert list(frame["note"]) == ["长" * 681, "short"]  # 2043 bytes: whole characters
    assert list(frame["n"]) == [1.0, 2.0]


def test_more_than_26_missing_codes_are_refused():
    variable = Variable("x", "X", missing={-code: "why" for code in range(1, 28)})
    with pytest.raises(ValueError, match="26 extended missing values"):
        write_dta(io.BytesIO(), Table("t", "T", [variable], rows=iter([])))


@pytest.mark.parametrize("names", [["age", "long"], ["age", "str12"], ["age", "With"]])
def test_reserved_names_are_refused(names):
    table = Table("t", "T", [Variable(name, name) for name in names], rows=iter([]))
    with pytest.raises(ValueError, match=names[1]):
        write_dta(io.BytesIO(), table)


def test_lazy_translated_labels(tmp_path):
    # The tables label variables with gettext_lazy strings.
    with translation.override("en"):
        variable = Variable("sex", gettext_lazy("Sex"), values={1: gettext_lazy("yes")})
        path = tmp_path / "lazy"
        write_file(Table("t", gettext_lazy("Sex"), [variable], rows=iter([(1,)])), path)
    _, meta = pyreadstat.read_dta(path, metadataonly=True)
    assert meta.column_labels == ["Sex"]
    assert meta.file_label == "Sex"
    assert meta.variable_value_labels == {"sex": {1: "yes"}}


def test_zero_rows(tmp_path):
    table = people_table("en")
    table.rows = iter([])
    path = tmp_path / "empty.dta"
    assert write_file(table, path) == 0
    frame, meta = pyreadstat.read_dta(path)

    assert meta.number_rows == 0
    assert len(frame) == 0
    assert meta.column_names[0] == "person_id"
    assert meta.variable_value_labels["sex"][1] == "male"


def test_output_that_cannot_seek(tmp_path):
    out = NonSeekable()
    with pytest.raises(OSError):
        out.tell()
    assert write_dta(out, people_table("zh")) == 5
    path = tmp_path / "people.dta"
    path.write_bytes(out.getvalue())
    frame, meta = pyreadstat.read_dta(path)

    assert meta.column_labels[1] == "服务对象的性别"
    assert list(frame["community"])[:2] == ["甲社区", "Alpha"]


def test_streamed_zip_entry(tmp_path):
    path = tmp_path / "people.dta"
    assert write_in_zip(write_dta, people_table("zh"), "people.dta", path) == 5
    frame, meta = pyreadstat.read_dta(path, user_missing=True)

    assert meta.variable_value_labels["sex"]["b"] == "未评估：住院"
    assert list(frame["sex"][:4]) == [1, 2, "a", "b"]


def test_big_table_reads_back(tmp_path):
    path = tmp_path / "attendance.dta"
    # More than one spool block (64 KiB) and more than one copy block.
    assert write_in_zip(write_dta, big_table(20_000), "attendance.dta", path) == 20_000
    frame, meta = pyreadstat.read_dta(path)

    assert meta.number_rows == 20_000
    assert frame["row"].iloc[-1] == 19_999
    assert frame["person_id"].iloc[-1] == f"P{19_999:019d}"
    assert frame["code"].isna().sum() == 4_000  # -1 is .a, missing


def test_pieces(tmp_path):
    pieces = iter_dta(big_table(20_000))
    parts = []
    with pytest.raises(StopIteration) as done:
        while True:
            parts.append(next(pieces))
    assert done.value.value == 20_000
    # Header, 14 blocks of spooled rows (20,000 x 44 bytes), the end: never one big piece.
    assert len(parts) == 16
    assert max(len(part) for part in parts) <= FLUSH_BYTES
    path = tmp_path / "pieces.dta"
    path.write_bytes(b"".join(parts))
    frame, _ = pyreadstat.read_dta(path)
    assert frame["row"].tolist() == list(range(20_000))


def test_row_of_the_wrong_length():
    table = people_table("en")
    table.rows = iter([("P1", 1)])
    with pytest.raises(ValueError, match="row 1 has 2 values"):
        write_dta(io.BytesIO(), table)


def test_memory_stays_flat():
    # Held in memory, 200,000 rows of (int, int, date, 20-character str) would take > 30 MB
    # (a 4-tuple is 72 bytes, an int 28, a date 32, the str 69: over 150 bytes a row), and
    # their encoded rows 200,000 x 44 bytes = 8.8 MB; either would break the 5 MB bound. The
    # spool is a file on disk, which tracemalloc does not count, as intended.
    small_peak, small_rows, _ = peak_memory(write_dta, 20_000)
    peak, rows, size = peak_memory(write_dta, 200_000)

    assert (small_rows, rows) == (20_000, 200_000)
    assert size > 200_000 * 44  # every row reached the output
    assert peak < 5_000_000
    # Ten times the rows, about the same peak: memory does not grow with rows.
    assert peak < small_peak + 1_000_000
