"""The privacy warning before a message is posted (issue 13, item 3): what in a text looks
like a consumer's mobile number, resident identity number or full name.

Pure functions, no database: the caller passes the full names of the consumers of the
writer's communities. The page shows each finding's reason and suggestion; the writer may
edit or post anyway.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

MOBILE = "mobile"
RESIDENT_ID = "resident_id"
NAME = "name"

# Numbers come before names when findings overlap; within a kind the longer match wins.
_PRIORITY = {RESIDENT_ID: 0, MOBILE: 1, NAME: 2}

# People type on phones with Chinese input methods: full-width digits, plus signs, X,
# hyphens and spaces are common. Each maps to exactly one character, so offsets found in
# the normalised text are offsets into the original text.
_NORMALISE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
        "\uff0b": "+",  # ＋
        "\uff38": "X",  # Ｘ
        "\uff58": "x",  # ｘ
        "\uff08": "(",  # （
        "\uff09": ")",  # ）
        "\uff0d": "-",  # －
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u3000": " ",  # ideographic space
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
    }
)

# [0-9], not \d: \d would also match other scripts' digits that were not normalised.
_SEP = r"(?: ?-? ?)"
_MOBILE_RE = re.compile(
    r"(?<![0-9])"
    # +86, 0086, (+86), 86: the country code, then at most one separator.
    r"(?:(?:\+|00)?86" + _SEP + r"|\(\+?86\)" + _SEP + r")?"
    # Written 13800138000, 138 0013 8000 or 138-0013-8000 (the 3-4-4 grouping only: a free
    # grouping would take a list of session counts for a number).
    r"1[3-9][0-9]" + _SEP + r"[0-9]{4}" + _SEP + r"[0-9]{4}"
    r"(?![0-9])"
)
# 18 characters, or grouped 6-8-4 (area, birth date, sequence and check character).
_RESIDENT_ID_RE = re.compile(
    r"(?<![0-9])[0-9]{6}" + _SEP + r"[0-9]{8}" + _SEP + r"[0-9]{3}[0-9Xx](?![0-9])"
)

# Latin-script letters and digits: a Latin name must not be glued to one of them (\b is of
# no use, as Chinese characters are word characters too: "和John说" has no \b before J).
_LATIN_WORD = r"0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_NAME_DOTS = "·•・.．‧"  # 阿依古丽·买买提 is written with any of these

# Two-character surnames, so 欧阳娜娜 becomes 欧阳某 and not 欧某.
# fmt: off
_COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "闻人", "澹台", "南宫", "端木", "百里", "呼延", "独孤", "西门",
    "太史", "申屠", "公羊", "万俟", "司空", "赫连", "濮阳", "第五", "东郭", "仲孙", "拓跋", "完颜",
    "单于", "鲜于", "闾丘", "左丘", "梁丘", "亓官", "公冶", "宗政", "微生", "羊舌", "乐正", "漆雕",
    "巫马", "段干",
))
# fmt: on


@dataclass(frozen=True)
class Finding:
    kind: str  # MOBILE, RESIDENT_ID or NAME
    start: int  # text[start:end] == self.text
    end: int
    text: str  # the matched part as written
    suggestion: str  # what to write instead; "" means remove it

    @property
    def reason(self) -> str:
        if self.kind == MOBILE:
            return _("This looks like a mobile phone number: anyone in the group could call it.")
        if self.kind == RESIDENT_ID:
            return _(
                "This looks like a resident identity number: it identifies a person for life "
                "and must not be shared in the group."
            )
        return _(
            "This is the full name of a consumer of your communities: everyone in the group "
            "would know who the message is about."
        )


def find_private(text: str, *, names: Iterable[str] = ()) -> list[Finding]:
    """What in `text` looks private, sorted by start, without overlaps."""
    normalised = text.translate(_NORMALISE)
    candidates: list[Finding] = []
    for match in _RESIDENT_ID_RE.finditer(normalised):
        if _is_resident_id(match.group()):
            candidates.append(_finding(RESIDENT_ID, text, match.start(), match.end(), ""))
    for match in _MOBILE_RE.finditer(normalised):
        candidates.append(_finding(MOBILE, text, match.start(), match.end(), ""))
    name_re = _names_regex(names)
    if name_re is not None:
        for match in name_re.finditer(text):
            written = match.group()
            candidates.append(
                _finding(NAME, text, match.start(), match.end(), _name_suggestion(written))
            )

    chosen: list[Finding] = []
    candidates.sort(key=lambda f: (_PRIORITY[f.kind], f.start - f.end, f.start))
    for candidate in candidates:
        if all(candidate.end <= f.start or f.end <= candidate.start for f in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda f: f.start)


def _finding(kind: str, text: str, start: int, end: int, suggestion: str) -> Finding:
    return Finding(kind=kind, start=start, end=end, text=text[start:end], suggestion=suggestion)


def _is_resident_id(written: str) -> bool:
    # The check character and the birth date, as the issue says; not ric.is_valid, which
    # also wants the area code in stdnum's table: a code missing from the table (a new
    # district) would let a real number through, and the warning is there to catch it.
    number = re.sub(r"[ -]", "", written).upper()
    if number[-1] != ric.calc_check_digit(number):
        return False
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return False
    return True


def _names_regex(names: Iterable[str]) -> re.Pattern[str] | None:
    cleaned = {" ".join(name.split()) for name in names}
    cleaned = {name for name in cleaned if len(name) >= 2}
    if not cleaned:
        return None
    # Longest first: at one position the alternation takes the first that matches, so
    # 欧阳娜娜 wins over 欧阳. Sorted again by the name itself for a stable pattern.
    ordered = sorted(cleaned, key=lambda name: (-len(name), name))
    return re.compile("|".join(_name_pattern(name) for name in ordered), re.IGNORECASE)


def _name_pattern(name: str) -> str:
    parts = []
    for char in name:
        if char == " ":
            parts.append(r"\s+")  # "John  Smith" or a line break between the two
        elif char in _NAME_DOTS:
            parts.append("[" + re.escape(_NAME_DOTS) + "]")
        else:
            parts.append(re.escape(char))
    pattern = "".join(parts)
    if _is_latin_letter(name[0]):
        pattern = rf"(?<![{_LATIN_WORD}])" + pattern
    if _is_latin_letter(name[-1]):
        pattern += rf"(?![{_LATIN_WORD}])"
    return f"(?:{pattern})"


def _is_latin_letter(char: str) -> bool:
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN")


def _is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK")


def _name_suggestion(written: str) -> str:
    """张三丰 -> 张某, 欧阳娜娜 -> 欧阳某 (how Chinese clinicians anonymise); John Smith -> J. S."""
    if _is_cjk(written[0]):
        surname = written[:2] if len(written) > 2 and written[:2] in _COMPOUND_SURNAMES else ""
        return (surname or written[0]) + "某"
    words = []
    for word in written.split():
        pieces = [piece for piece in re.split(r"[-" + re.escape(_NAME_DOTS) + "]", word) if piece]
        words.append("-".join(piece[0].upper() + "." for piece in pieces))
    return " ".join(word for word in words if word)
