"""A caregiver's agreement to be contacted for the follow-up evaluation was a date on the
caregiver link (CaregiverLink.contact_agreed_on); it becomes a consent record of kind
caregiver_contact on the program's version 1 of that document, like every other consent.

One consent per caregiver (a caregiver of two patients agreed once: the earliest date).
No user entered these records: `recorded_by` is empty, which pages show as "recorded by
a migration". The witness was never recorded: "—". The note says where the record came
from, in Chinese and English (data cannot be translated). The registry's next migration
removes the old field; reversing both puts the dates back on the links.
"""

from django.db import migrations
from django.db.models import Min
from django.utils import timezone

from tongban.screening.standard import PAPER_DOCUMENTS

KIND = "caregiver_contact"
WITNESS = "—"
NOTE = (
    "同意书记录功能启用前登记：原为照料者关系中的“同意随访联系”日期，见证人未记录。\n"
    "Recorded before consent documents existed: the caregiver link's former "
    "“agreed to be contacted” date; the witness was not recorded."
)
REASON = "从照料者关系迁移 / Brought over from the caregiver link"


def _document(apps, program):
    ConsentDocument = apps.get_model("screening", "ConsentDocument")
    document = ConsentDocument.objects.filter(program=program, kind=KIND, version=1).first()
    if document is None:  # 0002 made one for every program; a program made since, too
        document = ConsentDocument.objects.create(
            program=program,
            kind=KIND,
            version=1,
            effective_from=program.started_on,
            **PAPER_DOCUMENTS[KIND],
        )
    return document


def forward(apps, schema_editor):
    CaregiverLink = apps.get_model("registry", "CaregiverLink")
    Person = apps.get_model("registry", "Person")
    Consent = apps.get_model("screening", "Consent")
    HistoricalConsent = apps.get_model("screening", "HistoricalConsent")
    agreed = (
        CaregiverLink.objects.filter(contact_agreed_on__isnull=False)
        .values("caregiver_id")
        .annotate(first=Min("contact_agreed_on"))
        .order_by("caregiver_id")
    )
    documents: dict = {}
    now = timezone.now()
    for row in agreed:
        person = Person.objects.select_related("program").get(pk=row["caregiver_id"])
        if person.program_id not in documents:
            documents[person.program_id] = _document(apps, person.program)
        document = documents[person.program_id]
        already = Consent.objects.filter(
            person=person, document__kind=KIND, voided_at__isnull=True
        ).exists()
        if already:
            continue
        consent = Consent.objects.create(
            person=person,
            document=document,
            signed_on=row["first"],
            witness=WITNESS,
            recorded_by=None,
            note=NOTE,
        )
        # The audit trail starts with the migration (historical models do not write it).
        HistoricalConsent.objects.create(
            id=consent.pk,
            person_id=consent.person_id,
            document_id=consent.document_id,
            signed_on=consent.signed_on,
            witness=consent.witness,
            recorded_by_id=None,
            withdrawn_on=None,
            withdrawal_reason="",
            note=consent.note,
            created_at=consent.created_at,
            voided_at=None,
            voided_by_id=None,
            void_reason="",
            history_date=now,
            history_type="+",
            history_user_id=None,
            history_change_reason=REASON,
        )


def backward(apps, schema_editor):
    CaregiverLink = apps.get_model("registry", "CaregiverLink")
    Consent = apps.get_model("screening", "Consent")
    HistoricalConsent = apps.get_model("screening", "HistoricalConsent")
    migrated = Consent.objects.filter(document__kind=KIND, recorded_by__isnull=True, note=NOTE)
    for consent in migrated:
        CaregiverLink.objects.filter(caregiver_id=consent.person_id).update(
            contact_agreed_on=consent.signed_on
        )
    pks = list(migrated.values_list("pk", flat=True))
    HistoricalConsent.objects.filter(id__in=pks).delete()
    Consent.objects.filter(pk__in=pks).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0003_consent_recorded_by_migration"),
        ("registry", "0008_enrolments_before_screening"),
    ]

    operations = [migrations.RunPython(forward, backward)]
