"""Every person belongs to a program; every program has a short name."""

from django.db import migrations, models
from django.db.models import deletion


def backfill(apps, schema_editor):
    Program = apps.get_model("registry", "Program")
    Person = apps.get_model("registry", "Person")
    Enrolment = apps.get_model("registry", "Enrolment")
    CaregiverLink = apps.get_model("registry", "CaregiverLink")
    for program in Program.objects.filter(slug__isnull=True):
        program.slug = f"program-{program.pk}"
        program.save(update_fields=["slug"])
    # Before several programs, there was one: anyone without an enrolment or a link
    # (there should be nobody) goes to the oldest.
    oldest = Program.objects.order_by("pk").first()
    for person in Person.objects.filter(program__isnull=True).iterator():
        enrolment = Enrolment.objects.filter(person=person).select_related("community").first()
        if enrolment is None:
            link = CaregiverLink.objects.filter(caregiver=person).first()
            if link is not None:
                enrolment = Enrolment.objects.filter(person_id=link.cared_for_id).first()
        program_id = enrolment.community.program_id if enrolment else None
        if program_id is None:
            if oldest is None:
                oldest = Program.objects.create(
                    name="同伴支持项目", slug="program", started_on=person.created_at.date()
                )
            program_id = oldest.pk
        Person.objects.filter(pk=person.pk).update(program_id=program_id)


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_programs")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="program",
            name="slug",
            field=models.SlugField(max_length=40, unique=True, verbose_name="short name"),
        ),
        migrations.AlterField(
            model_name="historicalprogram",
            name="slug",
            field=models.SlugField(max_length=40, db_index=True, verbose_name="short name"),
        ),
        migrations.AlterField(
            model_name="person",
            name="program",
            field=models.ForeignKey(
                on_delete=deletion.PROTECT,
                related_name="people",
                to="registry.program",
                verbose_name="program",
            ),
        ),
    ]
