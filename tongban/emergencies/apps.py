from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    name = "tongban.emergencies"
    verbose_name = _("emergency events")
