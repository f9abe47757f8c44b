"""The audit of research exports, and each program's pseudonym secret."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.registry.models import Program


def _new_secret() -> str:
    return secrets.token_hex(32)


class ExportKey(models.Model):
    """The secret behind a program's pseudonymous IDs: the same person has the same ID in
    every export of the program, and nobody without the secret can reverse it."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="export_key", verbose_name=_("program")
    )
    secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("export key")

    def __str__(self) -> str:
        return f"{self.program}"


class Format(models.TextChoices):
    SAV = "sav", _("SPSS (.sav)")
    DTA = "dta", _("Stata (.dta)")
    XLSX = "xlsx", _("Excel (.xlsx)")
    CSV = "csv", _("CSV (UTF-8)")
    TEMPLATES = "templates", _("Import templates: the whole program, identified (CSV)")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Chinese")
    EN = "en", _("English")


class ExportRecord(models.Model):
    """Who exported what, when and why: one row per export, written before the first byte
    leaves (an export that fails half-way is still on record)."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="exports", verbose_name=_("program")
    )
    # None for the command line.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exported by"),
    )
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    date_from = models.DateField(_("start date"))
    date_to = models.DateField(_("end date"))
    # Community codes, empty for all of them.
    communities = models.JSONField(_("communities"), default=list, blank=True)
    identified = models.BooleanField(_("identified"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    # "web" or "command line".
    channel = models.CharField(_("from"), max_length=20, default="web")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("research export")
        verbose_name_plural = _("research exports")

    def __str__(self) -> str:
        return f"{self.program} {self.format} {self.created_at:%Y-%m-%d %H:%M}"
