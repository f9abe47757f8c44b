"""Six-weekly submissions (MODEL.md: peers submit their forms to the project manager every
six weeks). Cycles are computed from the program's start date (see cycles.py); a
submission is one community's forms of one cycle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user) -> SubmissionQuerySet:
        from tongban.core import scope

        return self.filter(community__in=scope.communities(user))


class Submission(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for correction")
        ACCEPTED = "accepted", _("accepted")

    community = models.ForeignKey(
        "registry.Community",
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("community"),
    )
    cycle = models.PositiveIntegerField(_("reporting cycle"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)

    history = HistoricalRecords()
    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-cycle", "community"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["community", "cycle"], name="one_submission_per_cycle")
        ]

    def __str__(self) -> str:
        from django.utils.translation import gettext

        return f"{self.community} · {gettext('Cycle %(number)s') % {'number': self.cycle}}"


class SubmissionEvent(models.Model):
    """A submission's conversation: submitted, returned with comments, resubmitted, accepted."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="events", verbose_name=_("submission")
    )
    status = models.CharField(_("status"), max_length=20, choices=Submission.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comments = models.TextField(_("comments"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_status_display()}"
