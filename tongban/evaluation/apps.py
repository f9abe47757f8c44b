from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "tongban.evaluation"
    verbose_name = _("evaluation")

    def ready(self) -> None:
        # The paper's eight questions are in every installation, and come back after a
        # flush (tests that flush the database re-run post_migrate).
        from .standard import ensure_standard_questions

        post_migrate.connect(ensure_standard_questions, sender=self)
