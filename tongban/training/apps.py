from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "tongban.training"
    verbose_name = _("peer training")

    def ready(self) -> None:
        # The model's six pre-service workshops are in every installation (program None),
        # and come back after a flush (tests that flush re-run post_migrate).
        from .standard import ensure_standard_curriculum

        post_migrate.connect(ensure_standard_curriculum, sender=self)
