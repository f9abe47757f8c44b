"""The code tables of docs/import.md, made from the models' choices (so the doc cannot
drift from them; tests/imports/test_docs.py checks it lists every code).

    .venv/bin/python manage.py shell -c \
        "from tongban.imports.codes import print_tables; print_tables()"
"""

from __future__ import annotations

from django.utils import translation

from . import spec


def code_tables() -> str:
    """One Markdown table per choice column: code, Chinese label, English label."""
    out = []
    done: dict[type, str] = {}
    for file, column in spec.choice_columns():
        title = f"{file} `{column.name or 'question columns'}`"
        if column.choices in done:
            out.append(f"### {title}\n\nThe same codes as {done[column.choices]}.\n")
            continue
        done[column.choices] = title
        lines = [f"### {title}\n", "| code | 中文 | English |", "|---|---|---|"]
        for value, label in column.choices.choices:
            with translation.override("zh-hans"):
                chinese = str(label)
            with translation.override("en"):
                english = str(label)
            lines.append(f"| `{value}` | {chinese} | {english} |")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def print_tables() -> None:
    print(code_tables())
