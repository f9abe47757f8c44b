"""Notifications sent before several programs belong to the one program there was."""

from django.db import migrations


def backfill(apps, schema_editor):
    Program = apps.get_model("registry", "Program")
    Notification = apps.get_model("notifications", "Notification")
    oldest = Program.objects.order_by("pk").first()
    if oldest is not None:
        Notification.objects.filter(program__isnull=True).update(program=oldest)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_programs"),
        ("registry", "0005_program_required"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
