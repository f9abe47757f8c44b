"""The optional screening files (issue 12, item 4): assessments.csv and consents.csv are
checked like every file, written all or nothing and found again on a re-import; an
enrolment that comes with its records is not marked before screening and passes the
gate by them, one without stays history."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from tests.imports.conftest import add_row, messages, replace_row, run
from tongban.registry.models import Enrolment, Person, Program
from tongban.screening import gate
from tongban.screening.models import Assessment, Candidate, Consent, Stage

ASSESSMENT = (
    "{person},{role},{community},{day},schizophrenia,40,24,yes,yes,yes,no,no,{psp},{result},"
)


def assessment(person="P02", role="peer", community="ex-dongfeng", day="2013-12-01",
               psp="60", result="eligible") -> str:  # fmt: skip
    return ASSESSMENT.format(
        person=person, role=role, community=community, day=day, psp=psp, result=result
    )


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def only_problem(files, importer) -> str:
    result = run(files, importer)
    assert not result.ok
    assert not Program.objects.filter(slug="example-2014").exists()
    assert not Assessment.objects.exists() and not Consent.objects.exists()
    assert len(result.problems) == 1, messages(result)
    return messages(result)[0]


def enrolment(name: str, role: str) -> Enrolment:
    return Enrolment.objects.get(person__name=name, person__program__slug="example-2014", role=role)


# --- bad rows ---------------------------------------------------------------------------------


def test_assessment_of_an_unknown_person(files, importer):
    add_row(files, "assessments.csv", assessment(person="P77"))
    assert only_problem(files, importer) == (
        "assessments.csv row 6 person: P77 is not a person of this program or of these files"
    )


def test_assessment_in_an_unknown_community(files, importer):
    add_row(files, "assessments.csv", assessment(community="ex-nowhere"))
    assert only_problem(files, importer) == (
        "assessments.csv row 6 community: ex-nowhere is not a community of this program or "
        "of these files"
    )


def test_assessment_with_a_bad_date(files, importer):
    add_row(files, "assessments.csv", assessment(day="2013-02-30"))
    assert only_problem(files, importer) == (
        "assessments.csv row 6 assessed_on: 2013-02-30 is not a valid date"
    )


def test_assessment_after_the_program(files, importer):
    # The example program ended on 2015-12-31; a running one ends today (no future dates).
    add_row(files, "assessments.csv", assessment(day="2016-03-01"))
    assert only_problem(files, importer) == (
        "assessments.csv row 6 assessed_on: 2016-03-01 is outside the program "
        "(2014-01-01 to 2015-12-31)"
    )


def test_assessment_in_the_future_of_a_running_program(files, importer):
    files["program.csv"] = files["program.csv"].replace(",2015-12-31", ",")
    add_row(files, "assessments.csv", assessment(day="2999-01-01"))
    text = only_problem(files, importer)
    assert text.startswith("assessments.csv row 6 assessed_on: 2999-01-01 is outside the program")


def test_assessment_with_an_unknown_code(files, importer):
    add_row(files, "assessments.csv", assessment(result="passed"))
    text = only_problem(files, importer)
    assert text.startswith("assessments.csv row 6 result: passed is not one of the codes (")
    assert "not_eligible" in text


def test_assessment_with_an_unknown_finding(files, importer):
    add_row(files, "assessments.csv", assessment().replace(",yes,yes,yes,", ",maybe,yes,yes,"))
    text = only_problem(files, importer)
    assert text == (
        "assessments.csv row 6 adherence_patient: maybe is not one of the codes (yes, no, unknown)"
    )


def test_assessment_with_a_bad_number(files, importer):
    add_row(files, "assessments.csv", assessment(psp="sixty"))
    assert only_problem(files, importer) == (
        "assessments.csv row 6 psp_score: sixty is not a whole number"
    )


def test_assessment_with_a_psp_score_over_100(files, importer):
    add_row(files, "assessments.csv", assessment(psp="101"))
    assert only_problem(files, importer) == (
        "assessments.csv row 6 psp_score: A PSP score is between 0 and 100."
    )


def test_assessment_without_a_result(files, importer):
    add_row(files, "assessments.csv", assessment(result=""))
    assert only_problem(files, importer) == "assessments.csv row 6 result: is blank"


def test_the_same_assessment_twice(files, importer):
    add_row(files, "assessments.csv", assessment(person="P01", day="2013-11-20"))
    assert only_problem(files, importer) == (
        "assessments.csv row 6 person: P01 / peer / ex-dongfeng / 2013-11-20 appears twice "
        "in this file"
    )


def test_assessments_without_a_column(files, importer):
    files["assessments.csv"] = files["assessments.csv"].replace(",result,", ",outcome,", 1)
    result = run(files, importer)
    assert not result.ok and not Program.objects.exists()
    assert "assessments.csv: unknown column outcome" in messages(result)
    assert "assessments.csv: column result is missing" in messages(result)


def test_consent_of_an_unknown_person(files, importer):
    add_row(files, "consents.csv", "P77,informed_consent,2013-12-01,李护士")
    assert only_problem(files, importer) == (
        "consents.csv row 7 person: P77 is not a person of this program or of these files"
    )


def test_consent_of_an_unknown_kind(files, importer):
    add_row(files, "consents.csv", "P02,photo_consent,2013-12-01,李护士")
    text = only_problem(files, importer)
    assert text.startswith("consents.csv row 7 kind: photo_consent is not one of the codes (")
    assert "caregiver_contact" in text


def test_consent_with_a_bad_date(files, importer):
    add_row(files, "consents.csv", "P02,informed_consent,2013/12/01,李护士")
    assert only_problem(files, importer) == (
        "consents.csv row 7 signed_on: 2013/12/01 is not a valid date"
    )


def test_consent_after_the_program(files, importer):
    add_row(files, "consents.csv", "P02,informed_consent,2016-01-05,李护士")
    assert only_problem(files, importer) == (
        "consents.csv row 7 signed_on: 2016-01-05 is outside the program (2014-01-01 to 2015-12-31)"
    )


def test_consent_without_a_witness(files, importer):
    add_row(files, "consents.csv", "P02,informed_consent,2013-12-01,")
    assert only_problem(files, importer) == "consents.csv row 7 witness: is blank"


def test_consent_with_a_witness_too_long(files, importer):
    add_row(files, "consents.csv", "P02,informed_consent,2013-12-01," + "李" * 101)
    assert only_problem(files, importer).startswith(
        "consents.csv row 7 witness: " + "李" * 101 + " is longer than 100 characters"
    )


def test_the_same_consent_twice(files, importer):
    add_row(files, "consents.csv", "P01,informed_consent,2013-11-25,王社工")
    assert only_problem(files, importer) == (
        "consents.csv row 7 person: P01 / informed_consent / 2013-11-25 appears twice in this file"
    )


def test_chinese_labels_are_read_as_codes(files, importer):
    assert run(files, importer).ok
    c01 = Person.objects.get(name="陈静")
    assert Assessment.objects.get(candidate__person=c01).candidate.role == "consumer"
    assert sorted(Consent.objects.filter(person=c01).values_list("document__kind", flat=True)) == [
        "informed_consent",
        "service_agreement",
    ]


# --- all or nothing, idempotence, updates -----------------------------------------------------


def test_one_bad_screening_row_and_nothing_is_written(files, importer):
    add_row(files, "consents.csv", "P02,informed_consent,2013-12-01,")
    result = run(files, importer)
    assert not result.ok
    assert not Program.objects.exists()
    assert not Person.objects.exists()
    assert not Candidate.objects.exists()
    assert not Assessment.objects.exists() and not Consent.objects.exists()


def test_a_second_import_changes_nothing(files, importer):
    assert run(files, importer).ok
    counts = (
        Assessment.history.count(),
        Consent.history.count(),
        Candidate.history.count(),
        Enrolment.history.count(),
    )
    again = run(files, importer)
    assert again.ok and not again.changed, again.lines()
    assert (
        Assessment.history.count(),
        Consent.history.count(),
        Candidate.history.count(),
        Enrolment.history.count(),
    ) == counts
    assert Assessment.objects.count() == 4 and Consent.objects.count() == 5
    assert Candidate.objects.count() == 3


def test_a_corrected_row_updates_its_record(files, importer):
    assert run(files, importer).ok
    replace_row(files, "consents.csv", 2, "P01,informed_consent,2013-11-25,张医生")
    text = files["assessments.csv"].splitlines()[1].replace(",72,", ",70,")
    replace_row(files, "assessments.csv", 2, text)
    again = run(files, importer)
    assert again.ok
    assert again.lines() == [
        "assessments.csv: 0 created, 1 updated",
        "consents.csv: 0 created, 1 updated",
    ]
    p01 = Person.objects.get(name="王明")
    assert Consent.objects.get(person=p01).witness == "张医生"
    assert Assessment.objects.get(candidate__person=p01).psp_score == 70


# --- the gate -----------------------------------------------------------------------------


def test_an_enrolment_with_its_records_is_not_history_and_passes_the_gate(files, importer):
    assert run(files, importer).ok
    program = Program.objects.get(slug="example-2014")
    # From now on nobody is exempt: only records open the gate.
    program.screening_records_from = date(2014, 1, 1)
    program.save(update_fields=["screening_records_from"])
    for name, role in (("王明", "peer"), ("陈静", "consumer")):
        e = enrolment(name, role)
        assert not e.before_screening
        assert gate.missing(e.person, role=role, on=e.started_on) == []
        candidate = Candidate.objects.get(person=e.person)
        assert candidate.enrolment == e and candidate.stage == Stage.ENROLLED
        # The day before the records, the gate is shut.
        first = Assessment.objects.get(candidate=candidate).assessed_on
        assert gate.missing(e.person, role=role, on=first.replace(day=first.day - 1))


def test_an_enrolment_without_its_records_is_history(files, importer):
    assert run(files, importer).ok
    # Assessed eligible, but no service agreement: history, passing only as exempt.
    c03 = enrolment("赵丽", "consumer")
    assert c03.before_screening
    lacking = gate.missing(c03.person, role="consumer", on=c03.started_on, records_only=True)
    assert len(lacking) == 1 and "service and group activity agreement" in lacking[0]
    assert gate.missing(c03.person, role="consumer", on=c03.started_on) == []
    # Neither assessed nor consented.
    assert enrolment("李芳", "peer").before_screening


def test_records_dated_after_the_start_do_not_count(files, importer):
    replace_row(files, "consents.csv", 2, "P01,informed_consent,2014-01-02,李护士")
    assert run(files, importer).ok
    assert enrolment("王明", "peer").before_screening


def test_a_later_failed_assessment_shuts_the_gate(files, importer):
    add_row(files, "assessments.csv", assessment(person="P01", day="2013-12-10",
                                                 result="not_eligible"))  # fmt: skip
    assert run(files, importer).ok
    assert enrolment("王明", "peer").before_screening


def test_a_later_set_with_the_records_clears_the_mark(files, importer):
    screening = {name: files.pop(name) for name in ("assessments.csv", "consents.csv")}
    assert run(files, importer).ok
    assert enrolment("王明", "peer").before_screening
    again = run({**files, **screening}, importer)
    assert again.ok
    assert "enrolments.csv: 0 created, 2 updated" in again.lines()
    assert not enrolment("王明", "peer").before_screening
    assert not enrolment("陈静", "consumer").before_screening


def test_a_screened_out_candidate(files, importer):
    add_row(files, "people.csv", "P09,孙波,male,1960-01-01,,,,schizophrenia,")
    add_row(files, "assessments.csv", assessment(person="P09", result="not_eligible"))
    assert run(files, importer).ok
    candidate = Candidate.objects.get(person__name="孙波")
    assert candidate.stage == Stage.SCREENED_OUT and candidate.enrolment is None
    assert candidate.recommended_on == date(2013, 12, 1)
    assert Assessment.objects.get(candidate=candidate).criteria.role == "peer"
