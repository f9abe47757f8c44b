"""Form fields choosing records by id: only plain ASCII digits reach the database.

`ModelChoiceField` hands "٣" to the database as 3, and a 20-digit value overflows
SQLite's integer (a 500). These fields refuse both as an invalid choice first, using
the same rule as `core.ids.parse_id`.
"""

from __future__ import annotations

from django import forms

from tongban.core.ids import parse_id


def _plain(value) -> bool:
    return not isinstance(value, str) or parse_id(value) is not None


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not _plain(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not _plain(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


def id_formfield(db_field, **kwargs):
    """`Meta.formfield_callback` for model forms: their foreign keys and many-to-many
    fields choose records through the fields above."""
    from django.db import models

    if isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", IdChoiceField)
    elif isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", IdMultipleChoiceField)
    return db_field.formfield(**kwargs)
