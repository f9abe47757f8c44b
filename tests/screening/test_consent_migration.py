"""The migration that turns caregivers' "agreed to be contacted" dates (a field of the
caregiver link) into consent records, and removes the field; and its way back."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("screening", "0003_consent_recorded_by_migration"),
    ("registry", "0008_enrolments_before_screening"),
]
AFTER = [
    ("screening", "0004_caregiver_contact_consents"),
    ("registry", "0009_caregiverlink_contact_agreement_is_a_consent"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_agreement_dates_become_consents_and_come_back():
    old = migrate(BEFORE)
    Program = old.get_model("registry", "Program")
    Person = old.get_model("registry", "Person")
    Link = old.get_model("registry", "CaregiverLink")
    program = Program.objects.create(
        name="迁移项目", name_en="Migration", slug="migration", started_on=date(2013, 7, 1)
    )

    def person(name):
        return Person.objects.create(program=program, name=name, sex="female")

    patient, other_patient = person("服务对象"), person("另一服务对象")
    agreed, twice, never = person("同意的照料者"), person("照料两人者"), person("未同意者")

    def link(caregiver, cared_for, agreed_on):
        Link.objects.create(
            caregiver=caregiver,
            cared_for=cared_for,
            relationship="parent",
            contact_agreed_on=agreed_on,
        )

    link(agreed, patient, date(2014, 3, 2))
    link(twice, patient, date(2014, 5, 1))
    link(twice, other_patient, date(2014, 4, 1))
    link(never, other_patient, None)

    try:
        migrate(leaves())
        from tongban.screening.models import Consent

        consents = Consent.objects.filter(document__program_id=program.pk).order_by("person__name")
        rows = {
            c.person.name: (c.signed_on, c.document.kind, c.document.version, c.recorded_by_id)
            for c in consents
        }
        # One per caregiver, the earliest date of their links; recorded by the migration.
        assert rows == {
            "同意的照料者": (date(2014, 3, 2), "caregiver_contact", 1, None),
            "照料两人者": (date(2014, 4, 1), "caregiver_contact", 1, None),
        }
        consent = consents.get(person__name="同意的照料者")
        assert consent.witness == "—"
        assert "Recorded before consent documents existed" in consent.note
        # The audit trail starts with the migration.
        row = consent.history.get()
        assert row.history_type == "+" and row.history_user is None
        assert "迁移" in row.history_change_reason

        # And back: the dates return to the links, the migrated consents go.
        back = migrate(BEFORE)
        Link = back.get_model("registry", "CaregiverLink")
        dates = {
            (link.caregiver.name, link.cared_for.name): link.contact_agreed_on
            for link in Link.objects.filter(caregiver__program_id=program.pk)
        }
        assert dates[("同意的照料者", "服务对象")] == date(2014, 3, 2)
        assert dates[("照料两人者", "服务对象")] == date(2014, 4, 1)
        assert dates[("未同意者", "另一服务对象")] is None
        assert not back.get_model("screening", "Consent").objects.exists()
    finally:
        migrate(leaves())
