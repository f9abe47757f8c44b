"""A caregiver's agreement to be contacted is a consent record now: screening's 0004 has
turned every link's date into one, so the date goes (from the link's history too: the
consent keeps the date, and its own history says it was brought over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_enrolments_before_screening"),
        ("screening", "0004_caregiver_contact_consents"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="caregiverlink",
            name="contact_agreed_on",
        ),
        migrations.RemoveField(
            model_name="historicalcaregiverlink",
            name="contact_agreed_on",
        ),
    ]
