"""A program's own references (the codes of its paper records) and the objects they name.

An import finds what an earlier import of the same program created by these references, so
that importing a corrected or extended set updates instead of adding a second copy.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedReference(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        VENUE = "venue", _("venue")
        SESSION = "session", _("session")
        ROUND = "round", _("evaluation round")
        TRAINING_ROUND = "training_round", _("training round")
        TRAINING_SESSION = "training_session", _("training session")

    program = models.ForeignKey(
        "registry.Program",
        on_delete=models.CASCADE,
        related_name="imported_references",
        verbose_name=_("program"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported reference")
        verbose_name_plural = _("imported references")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "reference"], name="one_object_per_reference"
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_reference_per_object"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.reference}"
