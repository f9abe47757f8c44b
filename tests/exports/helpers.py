"""Shared by the export tests: run an export and open its zip."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from tongban.exports import services
from tongban.registry.models import Community, Program


def export_zip(
    program: Program,
    *,
    format: str = "csv",
    language: str = "zh-hans",
    date_from: date = date(2013, 1, 1),
    date_to: date = date(2016, 12, 31),
    communities: list[Community] | None = None,
    identified: bool = False,
    reason: str = "",
    user=None,
) -> zipfile.ZipFile:
    chosen = communities if communities is not None else list(program.communities.all())
    _record, chunks = services.export_start(
        user=user,
        program=program,
        format=format,
        language=language,
        date_from=date_from,
        date_to=date_to,
        communities=chosen,
        identified=identified,
        reason=reason,
        channel="test",
    )
    return zipfile.ZipFile(io.BytesIO(b"".join(chunks)))


def read_csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def read_rows(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))
