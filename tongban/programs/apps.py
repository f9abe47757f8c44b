from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Setting up a program (its communities, venues, settings) and choosing one."""

    name = "tongban.programs"
    verbose_name = _("programs")
