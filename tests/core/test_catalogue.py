"""The zh-hans catalogue is complete and compiled; new strings must not slip in untranslated."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "tongban" / "locale"
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def entries(text: str) -> list[tuple[str, str, str]]:
    """(msgid, first msgstr, flags) of each entry; enough of the format for this check."""

    def joined(block: str, key: str) -> str:
        match = re.search(rf'^{key} ((?:".*"\n?)+)', block, re.M)
        if not match:
            return ""
        return "".join(re.findall(r'"(.*)"', match.group(1)))

    result = []
    for block in text.split("\n\n")[1:]:
        if block.lstrip().startswith("#~"):
            continue
        flags = " ".join(re.findall(r"^#, (.*)$", block, re.M))
        msgstr = joined(block, r"msgstr(?:\[0\])?")
        result.append((joined(block, "msgid"), msgstr, flags))
    return result


def test_every_entry_is_translated_and_none_is_fuzzy():
    found = entries(PO.read_text(encoding="utf-8"))
    assert len(found) > 100
    assert [m for m, s, f in found if not s] == []
    assert [m for m, s, f in found if "fuzzy" in f] == []


def _with_context(text: str) -> str:
    return "\n\n".join(b for b in text.split("\n\n") if re.search(r"^msgctxt ", b, re.M))


def test_compiled_catalogue_matches_the_source():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        # An entry with a context is looked up with it (pgettext).
        context = re.search(r'^msgctxt "(.*)"$', block, re.M)
        if context and not block.lstrip().startswith("#~"):
            ((msgid, msgstr, _flags),) = entries("\n\n" + block)
            assert catalogue.pgettext(context.group(1), msgid) == msgstr, msgid
    for msgid, msgstr, _flags in entries(text):
        if "\\" in msgid or not msgid or f'msgid "{msgid}"' in _with_context(text):
            continue
        assert catalogue.gettext(msgid) == msgstr or catalogue.ngettext(msgid, "", 1) == msgstr, (
            f"run `make messages`: {msgid!r} is stale in django.mo"
        )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools not installed")
def test_no_string_is_missing_from_the_catalogue(tmp_path):
    """Extract the strings afresh and compare: a new string without a translation fails."""
    copy = tmp_path / "tongban"
    shutil.copytree(
        Path(settings.BASE_DIR) / "tongban",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore=demo/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin"},
    )
    fresh = entries((copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text())
    missing = [m for m, s, f in fresh if not s or "fuzzy" in f]
    assert missing == [], "translate these (make messages): " + repr(missing)
