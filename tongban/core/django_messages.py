"""Django's own messages that its zh_Hans catalogues do not translate (yet).

Why "This password is too short" showed in English on a Chinese page: Django 5.2 changed
that message's msgid (from "%(min_length)d" to "%d"), and the zh_Hans catalogue shipped
with Django still has only the old msgid, so gettext finds nothing and falls back to the
English text. The project's catalogue (LOCALE_PATHS) is searched before Django's, so the
messages below are marked here, extracted by `make messages` into
tongban/locale/*/django.po, and translated there like the project's own strings.

`tests/core/test_django_messages.py` compares every msgid of the Django catalogues that
the project uses with the active Chinese translation, so a Django upgrade that adds an
untranslated message fails the test and names it: add it here, then `make messages`.
Nothing imports this module at run time; it exists for the extraction.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# Each entry is Django's msgid, character for character.
MESSAGES = [
    # django/contrib/auth/password_validation.py, MinimumLengthValidator
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    # django/db/models/fields/related.py, ForeignKey.validate
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
]
