"""Programs and communities made before the group existed get their spaces."""

from django.db import migrations


def create_spaces(apps, schema_editor):
    Program = apps.get_model("registry", "Program")
    Community = apps.get_model("registry", "Community")
    Space = apps.get_model("discussion", "Space")
    for program in Program.objects.all():
        Space.objects.get_or_create(program=program, community=None)
    for community in Community.objects.all():
        Space.objects.get_or_create(program_id=community.program_id, community=community)


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0001_initial"),
        ("registry", "0010_historicalprogram_training_records_from_and_more"),
    ]

    operations = [migrations.RunPython(create_spaces, migrations.RunPython.noop)]
