"""Every program that exists when screening arrives gets the paper's criteria and consent
documents as version 1 (new programs get them when created: programs.services)."""

from django.db import migrations

from tongban.screening.standard import PAPER_CRITERIA, PAPER_DOCUMENTS


def add(apps, schema_editor):
    Program = apps.get_model("registry", "Program")
    Criteria = apps.get_model("screening", "Criteria")
    ConsentDocument = apps.get_model("screening", "ConsentDocument")
    for program in Program.objects.all():
        for role, values in PAPER_CRITERIA.items():
            if not Criteria.objects.filter(program=program, role=role).exists():
                Criteria.objects.create(program=program, role=str(role), version=1, **values)
        for kind, texts in PAPER_DOCUMENTS.items():
            if not ConsentDocument.objects.filter(program=program, kind=kind).exists():
                ConsentDocument.objects.create(
                    program=program, kind=kind, version=1,
                    effective_from=program.started_on, **texts,
                )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial"), ("registry", "0008_enrolments_before_screening")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
