"""Helpers of the import tests: the example set as editable texts, and the import of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.evaluation.standard import ensure_standard_questions
from tongban.imports.services import Result, program_import

EXAMPLE = Path(__file__).parents[2] / "docs" / "import-example"


@pytest.fixture(autouse=True)
def standard_questions(db) -> None:
    # A database flushed by a live-server test elsewhere has lost the migration's rows.
    ensure_standard_questions()


@pytest.fixture
def importer(db):
    return make_user("importer", Role.PROJECT_MANAGER, programs=[])


@pytest.fixture
def files() -> dict[str, str]:
    """The example set, file name -> text (tests edit it before importing)."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.glob("*.csv"))}


def run(files: dict[str, str], by, *, bom: bool = False) -> Result:
    prefix = "\ufeff" if bom else ""
    return program_import(
        sources={name: (prefix + text).encode("utf-8") for name, text in files.items()}, by=by
    )


def replace_row(files: dict[str, str], name: str, row: int, text: str) -> None:
    """Row `row` of `name` (numbered as in the errors: the header is row 1) becomes `text`."""
    lines = files[name].splitlines()
    lines[row - 1] = text
    files[name] = "\n".join(lines) + "\n"


def add_row(files: dict[str, str], name: str, text: str) -> int:
    """Append a row; its number."""
    files[name] = files[name].rstrip("\n") + "\n" + text + "\n"
    return len(files[name].splitlines())


def messages(result: Result) -> list[str]:
    return [str(p) for p in result.problems]
