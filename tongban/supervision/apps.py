from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "tongban.supervision"
    verbose_name = _("supervision and peer wellbeing")
