"""Everyone enrolled before screening existed is recorded as "enrolled before screening was
recorded": the gate into service asks for their records only from the date their program
chooses (Program.screening_records_from), so nobody is locked out by the upgrade."""

from django.db import migrations


def mark(apps, schema_editor):
    Enrolment = apps.get_model("registry", "Enrolment")
    Enrolment.objects.update(before_screening=True)


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_enrolment_before_screening_and_more")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
