"""The privacy warning's detector (issue 13, item 3): mobile numbers, resident identity
numbers and consumers' full names, with their offsets, suggestions and reasons."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from tongban.discussion.privacy import MOBILE, NAME, RESIDENT_ID, Finding, find_private

# A published example of a valid number (Beijing, Chaoyang district, born 1949-12-31).
PUBLISHED_ID = "11010519491231002X"


def resident_id(first17: str) -> str:
    """A valid number from its first 17 digits (calc_check_digit ignores the last char)."""
    return first17 + ric.calc_check_digit(first17 + "0")


def wrong_check(number: str) -> str:
    right = number[-1].upper()
    return number[:-1] + ("0" if right != "0" else "1")


def kinds(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_private(text, **kwargs)]


def assert_offsets(text: str, findings: list[Finding]) -> None:
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text


# Mobile numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "13800138000",
        "19912345678",
        "+8613800138000",
        "+86 13800138000",
        "+86-138-0013-8000",
        "8613800138000",
        "0086 138 0013 8000",
        "(+86)138 0013 8000",
        "138 0013 8000",
        "138-0013-8000",
        "138 - 0013 - 8000",
        "１３８００１３８０００",  # full-width digits from a Chinese input method
        "＋８６ １３８　００１３　８０００",
    ],
)
def test_mobile_numbers_as_people_write_them(number):
    text = f"他的电话是{number}，请联系"
    findings = find_private(text)
    assert [(f.kind, f.text) for f in findings] == [(MOBILE, number)]
    assert findings[0].start == len("他的电话是")
    assert findings[0].suggestion == ""
    assert_offsets(text, findings)


@pytest.mark.parametrize(
    "text",
    [
        "12800138000",  # 12 is no mobile prefix
        "1380013800",  # ten digits
        "138001380001",  # twelve digits
        "913800138000",  # inside a longer run
        "861380013800",  # 86 and ten digits
        "1380 013 8000",  # not the 3-4-4 grouping
        "2015-12-13 18:00 第13次会谈，共18次",  # a date and session counts
        "2016年3月13日18时30分，第138次",
        "13 14 15 16 17 18 19 20",
    ],
)
def test_no_mobile_number(text):
    assert find_private(text) == []


def test_a_phone_inside_an_id_like_run_is_not_reported():
    # 18 digits with a wrong check digit: neither an ID number nor (inside it) a phone.
    run = "11010513800138000" + "5"
    assert not ric.is_valid(run)
    assert find_private(f"号码{run}") == []
    assert find_private("号码" + "9" * 6 + "13800138000" + "9") == []


# Resident identity numbers ----------------------------------------------------------------


def test_published_resident_id_is_found_with_upper_and_lower_x():
    assert ric.is_valid(PUBLISHED_ID)
    for number in (PUBLISHED_ID, PUBLISHED_ID.lower()):
        text = f"身份证：{number}。"
        findings = find_private(text)
        assert [(f.kind, f.text, f.start, f.end) for f in findings] == [
            (RESIDENT_ID, number, 4, 22)
        ]
        assert findings[0].suggestion == ""


def test_computed_resident_id_with_digit_check_and_grouping():
    number = resident_id("11010119850512003")
    assert ric.is_valid(number)
    assert kinds(f"ID {number} ok") == [(RESIDENT_ID, number)]
    grouped = f"{number[:6]} {number[6:14]} {number[14:]}"
    assert kinds(f"身份证号{grouped}") == [(RESIDENT_ID, grouped)]
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert kinds(f"身份证号{full_width}") == [(RESIDENT_ID, full_width)]


def test_area_code_missing_from_stdnums_table_is_still_reported():
    # 440306 (Bao'an, Shenzhen) was created after 1985, so ric.is_valid says no; a real
    # number under an unlisted code must still be caught, so only the check character and
    # the birth date count.
    number = resident_id("44030619850512003")
    assert not ric.is_valid(number)
    assert kinds(number) == [(RESIDENT_ID, number)]


def test_wrong_check_character_is_not_reported():
    for number in (PUBLISHED_ID, resident_id("11010119850512003")):
        wrong = wrong_check(number)
        assert not ric.is_valid(wrong)
        assert find_private(f"身份证{wrong}") == []


def test_right_check_character_but_impossible_birth_date_is_not_reported():
    number = resident_id("11010519491332002")  # 13th month
    assert find_private(number) == []


def test_longer_digit_runs_are_not_reported():
    # 19 digits, whatever 18 of them look like.
    assert find_private("1" + PUBLISHED_ID[:-1] + "0") == []
    assert find_private(PUBLISHED_ID[:-1] + "00") == []
    assert find_private("7" + PUBLISHED_ID) == []
    assert find_private("1234567890123456789") == []


# Names ------------------------------------------------------------------------------------


def test_every_occurrence_of_a_name_with_its_suggestion():
    text = "张三丰今天没来；我明天再去看张三丰。"
    findings = find_private(text, names=["张三丰"])
    assert [(f.kind, f.start, f.text, f.suggestion) for f in findings] == [
        (NAME, 0, "张三丰", "张某"),
        (NAME, 14, "张三丰", "张某"),
    ]
    assert_offsets(text, findings)


def test_longer_name_wins_over_a_shorter_one_inside_it():
    text = "欧阳娜娜和欧阳一起来了"
    findings = find_private(text, names=["欧阳", "娜娜", "欧阳娜娜"])
    assert [(f.text, f.start, f.suggestion) for f in findings] == [
        ("欧阳娜娜", 0, "欧阳某"),  # a compound surname keeps both characters
        ("欧阳", 5, "欧某"),
    ]


def test_short_and_blank_names_are_ignored_and_names_inside_words_reported():
    assert find_private("王说了", names=["王", "", "  "]) == []
    # No spaces in Chinese: a name inside a longer word is reported, as accepted.
    assert kinds("李明华来了", names=["李明"]) == [(NAME, "李明")]


def test_latin_names_case_insensitive_on_word_boundaries():
    text = "Today JOHN SMITH said that john\nsmith's sister and Johnsmith came; 和John Smith说"
    findings = find_private(text, names=["John Smith"])
    assert [f.text for f in findings] == ["JOHN SMITH", "john\nsmith", "John Smith"]
    assert {f.suggestion for f in findings} == {"J. S."}
    assert_offsets(text, findings)
    assert find_private("Johnny Smithers", names=["John Smith"]) == []
    assert find_private("MaryJohn Smith", names=["John Smith"]) == []
    assert kinds("Mary Jean-Luc Picard", names=["Jean-Luc Picard"]) == [(NAME, "Jean-Luc Picard")]
    assert find_private("Jean-Luc Picard", names=["Jean-Luc Picard"])[0].suggestion == "J.-L. P."


def test_a_name_written_with_another_middle_dot():
    findings = find_private("阿依古丽•买买提来了", names=["阿依古丽·买买提"])
    assert [(f.text, f.suggestion) for f in findings] == [("阿依古丽•买买提", "阿某")]


# Everything together ----------------------------------------------------------------------


def test_several_findings_sorted_with_correct_offsets_in_mixed_text():
    number = resident_id("11010119780304001")
    text = (
        f"Peer note 😀: 王小明 (ID {number}) called from 139-1234-5678; "
        f"Li Wei said 王小明's mother 8613912345678 came."
    )
    findings = find_private(text, names=["王小明", "Li Wei"])
    assert [(f.kind, f.text) for f in findings] == [
        (NAME, "王小明"),
        (RESIDENT_ID, number),
        (MOBILE, "139-1234-5678"),
        (NAME, "Li Wei"),
        (NAME, "王小明"),
        (MOBILE, "8613912345678"),
    ]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert_offsets(text, findings)
    assert findings[0].start == text.index("王小明")


def test_numbers_win_over_an_overlapping_name():
    # A (strange) name that is also digits: the number is reported, once.
    assert kinds("13800138000", names=["13800138000"]) == [(MOBILE, "13800138000")]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_reasons_are_sentences_in_each_language(language):
    number = resident_id("11010119780304001")
    findings = find_private(f"张三 {number} 13800138000", names=["张三"])
    assert {f.kind for f in findings} == {NAME, RESIDENT_ID, MOBILE}
    with translation.override(language):
        reasons = [f.reason for f in findings]
    assert all(isinstance(r, str) and len(r) > 10 for r in reasons)
    assert len(set(reasons)) == 3


def test_finding_is_frozen():
    finding = find_private("13800138000")[0]
    with pytest.raises(AttributeError):
        finding.start = 0  # type: ignore[misc]


# Properties -------------------------------------------------------------------------------

no_digits = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=20)


@st.composite
def written_mobiles(draw) -> tuple[str, str]:
    """A valid mobile number (its 11 digits) and one way of writing it."""
    digits = (
        "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    )
    sep = draw(st.sampled_from(["", " ", "-", " - "]))
    body = digits[:3] + sep + digits[3:7] + sep + digits[7:]
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "86", "0086-", "(+86)"]))
    return digits, prefix + body


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.lists(st.text(max_size=6), max_size=5))
def test_never_raises_and_findings_are_in_bounds_and_disjoint(text, names):
    findings = find_private(text, names=names)
    previous_end = 0
    for finding in findings:
        assert previous_end <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
        previous_end = finding.end


@settings(max_examples=300, deadline=None)
@given(no_digits, written_mobiles(), no_digits)
def test_any_mobile_number_between_non_digit_text_is_found(before, mobile, after):
    digits, written = mobile
    text = before + written + after
    findings = [f for f in find_private(text) if f.kind == MOBILE]
    # The whole number is inside one finding (the text around may add a "+86" or such).
    assert any(f.start <= len(before) and len(before) + len(written) <= f.end for f in findings), (
        text,
        findings,
    )
    assert all("".join(c for c in f.text if c.isdigit()).endswith(digits) for f in findings)
