"""Abstract bases shared by the domain apps."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def assign_changes(instance: models.Model, fields: dict) -> list[str]:
    """Set the fields whose value differs on `instance`; their names, for
    `save(update_fields=...)` (an empty list: nothing to save, no history row)."""
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    return changed


def bilingual(name: str, name_en: str) -> str:
    """Program data in two languages: the English name on English pages when there is one."""
    if (get_language() or "").startswith("en") and name_en:
        return name_en
    return name


class BilingualNameMixin(models.Model):
    """Place names are program data in two languages, not catalogue strings."""

    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)


class VoidableQuerySet(models.QuerySet):
    def current(self) -> "VoidableQuerySet":
        return self.filter(voided_at__isnull=True)


class VoidableModel(models.Model):
    """Clinical records are voided with a reason, never deleted (the audit trail keeps them)."""

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True, editable=False)

    objects = VoidableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def delete(self, *args, **kwargs):  # noqa: ARG002 - signature of Model.delete
        raise TypeError(f"{type(self).__name__} records are voided, never deleted")

    def void(self, *, by, reason: str) -> None:
        if self.is_voided:
            raise ValueError("already voided")
        if not reason.strip():
            raise ValueError("a reason is required")
        self.voided_at = timezone.now()
        self.voided_by = by
        self.void_reason = reason.strip()
        self.save(update_fields=["voided_at", "voided_by", "void_reason"])
