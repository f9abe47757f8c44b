"""The SPSS writer, read back with pyreadstat (ReadStat) as an independent reader."""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
from datetime import date

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
from tongban.exports.sav import FLUSH_BYTES, iter_sav, write_sav
from tongban.exports.spec import Kind, Table, Variable


def write_file(table: Table, path) -> int:
    out = io.BytesIO()
    written = write_sav(out, table)
    path.write_bytes(out.getvalue())
    return written


def test_english_dictionary(tmp_path):
    path = tmp_path / "people.sav"
    assert write_file(people_table("en"), path) == 5
    _, meta = pyreadstat.read_sav(path, user_missing=True, metadataonly=True)

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
    assert meta.file_encoding == "UTF-8"
    # Declared missing codes carry their reasons as value labels.
    assert meta.variable_value_labels == {
        "sex": {
            -2.0: "not assessed: in hospital",
            -1.0: "not assessed: refused",
            1.0: "male",
            2.0: "female",
        },
        "education": {1.0: "primary", 2.0: "secondary", 3.0: "tertiary"},
    }
    # lowest..-1; ReadStat reads SPSS's LOWEST as minus infinity.
    assert meta.missing_ranges == {"sex": [{"lo": -math.inf, "hi": -1.0}]}
    assert meta.variable_measure == {
        "person_id": "nominal",
        "sex": "nominal",
        "education": "ordinal",
        "age": "scale",
        "enrolled_on": "scale",
        "community": "nominal",
    }
    assert meta.original_variable_types == {
        "person_id": "A12",
        "sex": "F8.0",
        "education": "F8.0",
        "age": "F8.2",
        "enrolled_on": "DATE11",
        "community": "A9",
    }
    assert meta.variable_alignment["person_id"] == "left"
    assert meta.variable_alignment["age"] == "right"


def test_chinese_dictionary(tmp_path):
    path = tmp_path / "people.sav"
    write_file(people_table("zh"), path)
    _, meta = pyreadstat.read_sav(path, user_missing=True, metadataonly=True)

    assert meta.column_labels[:2] == ["匿名编号", "服务对象的性别"]
    assert meta.file_label == "服务对象"
    assert meta.variable_value_labels["sex"] == {
        -2.0: "未评估：住院",
        -1.0: "未评估：拒绝回答",
        1.0: "男",
        2.0: "女",
    }
    assert meta.variable_value_labels["education"] == {1.0: "小学", 2.0: "中学", 3.0: "大学"}
    assert meta.missing_ranges == {"sex": [{"lo": -math.inf, "hi": -1.0}]}


def test_long_labels_cut_at_a_character_boundary(tmp_path):
    path = tmp_path / "labels.sav"
    write_file(long_label_table(), path)
    _, meta = pyreadstat.read_sav(path, metadataonly=True)

    # 255 bytes hold 85 Chinese characters; after one ASCII letter, 84 (253 bytes), since an
    # 85th would end at byte 256. A cut mid-character would not decode back to a prefix.
    assert meta.column_labels == [LONG_ZH[:85], LONG_MIXED[:85]]
    assert [len(label.encode()) for label in meta.column_labels] == [255, 253]
    # Value labels: 120 bytes, 40 characters; after the letter, 39 (118 bytes).
    assert meta.variable_value_labels == {
        "zh_label": {1.0: LONG_ZH[:40]},
        "mixed_label": {1.0: LONG_MIXED[:40]},
    }
    # The file label has 64 bytes: 21 characters.
    assert meta.file_label == LONG_ZH[:21]


def test_values(tmp_path):
    path = tmp_path / "people.sav"
    write_file(people_table("zh"), path)
    with_missing, _ = pyreadstat.read_sav(path, user_missing=True)
    plain, _ = pyreadstat.read_sav(path)

    assert list(with_missing["person_id"]) == ["P0001", "P0002", "P0003", "", "P0005"]
    # Declared missing codes stay with user_missing=True and are missing otherwise.
    assert list(with_missing["sex"][:4]) == [1.0, 2.0, -1.0, -2.0]
    assert math.isnan(with_missing["sex"][4])
    assert plain["sex"][:2].tolist() == [1.0, 2.0]
    assert plain["sex"][2:].isna().all()
    assert with_missing["age"][:2].tolist() == [34.0, 41.5]
    assert math.isnan(with_missing["age"][2])
    assert with_missing["age"][3] == 0.0
    assert list(with_missing["enrolled_on"][:2]) == [date(2020, 1, 2), date(1960, 1, 1)]
    assert list(with_missing["enrolled_on"][3:]) == [date(1582, 10, 15), date(2026, 12, 3)]
    # Width 9 bytes: "乙社区乙社区乙社区" (27 bytes) keeps three whole characters.
    assert list(with_missing["community"]) == ["甲社区", "Alpha", "", "乙社区", ""]


@pytest.mark.skipif(shutil.which("pspp") is None, reason="GNU PSPP is not installed")
def test_pspp_reads_it_too(tmp_path):
    # PSPP, whose manual describes the format, as a second reader beside ReadStat.
    path = tmp_path / "people.sav"
    write_file(people_table("zh"), path)
    notes = Table(
        "notes",
        "Notes",
        [
            Variable("note", "Note", Kind.STRING, width=20, values={"abc": "甲乙"}),
            Variable("n", "N", values={1: "一"}),
        ],
        rows=iter([("abc", 1)]),
    )
    notes_path = tmp_path / "notes.sav"
    write_file(notes, notes_path)
    syntax = tmp_path / "check.sps"
    syntax.write_text(
        f"GET FILE='{path}'.\nDISPLAY DICTIONARY.\nLIST.\n"
        f"GET FILE='{notes_path}'.\nDISPLAY DICTIONARY.\nLIST.\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.csv"
    run = subprocess.run(
        ["pspp", "-O", "format=csv", "-o", str(output), str(syntax)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = output.read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if "warning" in line.lower() or "error" in line.lower()]
    assert "sex,2,服务对象的性别,Nominal,Input,8,Right,F8.0,F8.0,LOWEST THRU -1" in lines
    assert "education,3,教育程度,Ordinal,Input,8,Right,F8.0,F8.0," in lines
    assert "enrolled_on,5,入组日期,Scale,Input,11,Right,DATE11,DATE11," in lines
    assert "服务对象的性别,-2[a],未评估：住院" in lines
    assert "P0001,1,1,34.00,02-JAN-2020,甲社区" in lines
    assert ",-2,2,.00,15-OCT-1582,乙社区" in lines
    # A string wider than 8 bytes has its labels in record 7/21.
    assert "Note,abc,甲乙" in lines
    assert "abc,1.00" in lines


def test_string_wider_than_255_bytes_is_clipped(tmp_path):
    text = "长" * 100  # 300 bytes
    table = Table(
        "notes",
        "Notes",
        [Variable("note", "Note", Kind.STRING, width=300), Variable("n", "N")],
        rows=iter([(text, 1), ("short", 2)]),
    )
    path = tmp_path / "notes.sav"
    write_file(table, path)
    frame, meta = pyreadstat.read_sav(path)

    assert meta.original_variable_types["note"] == "A255"
    assert list(frame["note"]) == ["长" * 85, "short"]
    # The variable after the string (and its continuation records) is read in its place.
    assert list(frame["n"]) == [1.0, 2.0]


def test_names_that_share_their_first_eight_letters(tmp_path):
    # Short names are the first 8 letters in upper case, numbered when taken: SATISFAC,
    # SATISFA1, SATISFA2, SATISFA3 ("satisfa1" finds its own taken), BY1, WITH_MOR.
    names = ["satisfaction_a", "satisfaction_b", "satisfac", "satisfa1", "bY1", "with_more"]
    table = Table(
        "names",
        "Names",
        [Variable(name, name) for name in names],
        rows=iter([(1, 2, 3, 4, 5, 6)]),
    )
    path = tmp_path / "names.sav"
    write_file(table, path)
    frame, meta = pyreadstat.read_sav(path)

    assert meta.column_names == names
    assert frame.iloc[0].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    # The 8-byte short names in the variable records are all different.
    raw = path.read_bytes()
    short = [raw[i + 24 : i + 32] for i in _variable_record_offsets(raw)]
    assert len(set(short)) == len(names)


def _variable_record_offsets(raw: bytes) -> list[int]:
    """Offsets of the type 2 records of numeric variables without labels or missing values,
    the only kind test_names_that_share_their_first_eight_letters writes."""
    offsets, position = [], 176
    while struct.unpack_from("<i", raw, position)[0] == 2:
        has_label = struct.unpack_from("<i", raw, position + 8)[0]
        offsets.append(position)
        position += 32
        if has_label:
            length = struct.unpack_from("<i", raw, position)[0]
            position += 4 + (length + 3) // 4 * 4
    return offsets


@pytest.mark.parametrize("names", [["age", "by"], ["age", "str12"], ["age", "AGE"]])
def test_reserved_or_repeated_names_are_refused(names):
    table = Table("t", "T", [Variable(name, name) for name in names], rows=iter([]))
    with pytest.raises(ValueError, match=names[1]):
        write_sav(io.BytesIO(), table)


def test_lazy_translated_labels(tmp_path):
    # The tables label variables with gettext_lazy strings.
    with translation.override("en"):
        variable = Variable("sex", gettext_lazy("Sex"), values={1: gettext_lazy("yes")})
        path = tmp_path / "lazy"
        write_file(Table("t", gettext_lazy("Sex"), [variable], rows=iter([(1,)])), path)
    _, meta = pyreadstat.read_sav(path, metadataonly=True)
    assert meta.column_labels == ["Sex"]
    assert meta.file_label == "Sex"
    assert meta.variable_value_labels == {"sex": {1.0: "yes"}}


def test_zero_rows(tmp_path):
    table = people_table("en")
    table.rows = iter([])
    path = tmp_path / "empty.sav"
    assert write_file(table, path) == 0
    frame, meta = pyreadstat.read_sav(path)

    assert meta.number_rows == 0
    assert len(frame) == 0
    assert meta.column_names[0] == "person_id"
    assert meta.variable_value_labels["sex"][1.0] == "male"


def test_output_that_cannot_seek(tmp_path):
    out = NonSeekable()
    with pytest.raises(OSError):
        out.tell()
    assert write_sav(out, people_table("zh")) == 5
    path = tmp_path / "people.sav"
    path.write_bytes(out.getvalue())
    frame, meta = pyreadstat.read_sav(path)

    assert meta.column_labels[1] == "服务对象的性别"
    assert list(frame["community"])[:2] == ["甲社区", "Alpha"]


def test_streamed_zip_entry(tmp_path):
    path = tmp_path / "people.sav"
    assert write_in_zip(write_sav, people_table("zh"), "people.sav", path) == 5
    frame, meta = pyreadstat.read_sav(path, user_missing=True)

    assert meta.variable_value_labels["sex"][-2.0] == "未评估：住院"
    assert list(frame["sex"][:4]) == [1.0, 2.0, -1.0, -2.0]


def test_big_table_reads_back(tmp_path):
    path = tmp_path / "attendance.sav"
    assert write_in_zip(write_sav, big_table(20_000), "attendance.sav", path) == 20_000
    frame, meta = pyreadstat.read_sav(path, user_missing=True)

    assert meta.number_rows == 20_000
    assert frame["row"].iloc[-1] == 19_999
    assert frame["person_id"].iloc[-1] == f"P{19_999:019d}"
    assert (frame["code"] == -1).sum() == 4_000


def test_pieces_come_as_rows_are_read(tmp_path):
    taken = 0

    def rows():
        nonlocal taken
        for i in range(20_000):
            taken += 1
            yield (i, 0, None, "P")

    table = big_table(0)
    table.rows = rows()
    pieces = iter_sav(table)
    first = next(pieces)  # the dictionary, before any row
    assert taken == 0
    second = next(pieces)  # the first block of cases, after some rows only
    assert 0 < taken < 20_000
    assert len(second) <= FLUSH_BYTES + 48
    rest = []
    with pytest.raises(StopIteration) as done:
        while True:
            rest.append(next(pieces))
    assert done.value.value == 20_000
    path = tmp_path / "pieces.sav"
    path.write_bytes(first + second + b"".join(rest))
    frame, _ = pyreadstat.read_sav(path)
    assert frame["row"].tolist() == list(range(20_000))


def test_row_of_the_wrong_length():
    table = people_table("en")
    table.rows = iter([("P1", 1)])
    with pytest.raises(ValueError, match="row 1 has 2 values"):
        write_sav(io.BytesIO(), table)


def test_memory_stays_flat():
    # Held in memory, 200,000 rows of (int, int, date, 20-character str) would take > 30 MB
    # (a 4-tuple is 72 bytes, an int 28, a date 32, the str 69: over 150 bytes a row), and
    # their encoded cases 200,000 x 48 bytes = 9.6 MB; either would break the 5 MB bound.
    small_peak, small_rows, _ = peak_memory(write_sav, 20_000)
    peak, rows, size = peak_memory(write_sav, 200_000)

    assert (small_rows, rows) == (20_000, 200_000)
    assert size > 200_000 * 48  # every case reached the output
    assert peak < 5_000_000
    # Ten times the rows, about the same peak: memory does not grow with rows.
    assert peak < small_peak + 1_000_000
