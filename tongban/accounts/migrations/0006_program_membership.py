"""Before several programs there was one: the program-wide roles belonged to it."""

from django.db import migrations


def backfill(apps, schema_editor):
    Program = apps.get_model("registry", "Program")
    User = apps.get_model("accounts", "User")
    Notification = apps.get_model("notifications", "Notification")
    programs = list(Program.objects.order_by("pk"))
    for user in User.objects.filter(role__in=["project_manager", "psychiatrist"]):
        user.programs.add(*programs)
    if len(programs) == 1:
        Notification.objects.filter(program__isnull=True).update(program=programs[0])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_programs"),
        ("registry", "0005_program_required"),
        ("notifications", "0003_programs"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
