"""docs/import.md names every file, column and code (with its Chinese label) the import
reads, so it cannot go stale."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

from tongban.evaluation.standard import STANDARD_QUESTIONS
from tongban.imports import spec
from tongban.imports.codes import code_tables

DOC = Path(__file__).parents[2] / "docs" / "import.md"


def test_every_file_and_column_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name, columns in spec.FILES.items():
        section = text.split(f"### {name}\n", 1)
        assert len(section) == 2, f"docs/import.md has no section for {name}"
        body = section[1].split("\n### ", 1)[0]
        for column in columns:
            assert f"`{column.name}`" in body, f"{name} {column.name} is not documented"
    for code, *_rest in STANDARD_QUESTIONS:
        assert f"`{code}`" in text


def test_every_code_of_every_choice_column_is_documented_with_its_chinese_label():
    text = DOC.read_text(encoding="utf-8")
    assert code_tables() in text, "run tongban.imports.codes.print_tables() into docs/import.md"
    for _file, column in spec.choice_columns():
        for value, label in column.choices.choices:
            with translation.override("zh-hans"):
                assert f"| `{value}` | {label} |" in text
