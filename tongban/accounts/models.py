"""Accounts: staff hold a staff role and communities; peers sign in as their own person record."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    PEER = "peer", _("peer")
    COMMUNITY_DOCTOR = "community_doctor", _("community doctor")
    PSYCHIATRIST = "psychiatrist", _("psychiatrist")
    CLINICAL_PSYCHOLOGIST = "clinical_psychologist", _("clinical psychologist")
    SOCIAL_WORKER = "social_worker", _("social worker")
    RESEARCH_ASSISTANT = "research_assistant", _("research assistant")
    PROJECT_MANAGER = "project_manager", _("project manager")


STAFF_ROLES = [choice for choice in Role.choices if choice[0] != Role.PEER]
# The project manager runs the program and the psychiatrist screens everyone: both see it all.
PROGRAM_WIDE_ROLES = frozenset({Role.PROJECT_MANAGER, Role.PSYCHIATRIST})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    communities = models.ManyToManyField(
        "registry.Community",
        blank=True,
        related_name="staff",
        verbose_name=_("communities"),
        help_text=_("Staff see the records of these communities only."),
    )
    # Program-wide roles (project manager, psychiatrist) belong to programs directly;
    # everyone else through the communities they are assigned to (see scope.programs).
    programs = models.ManyToManyField(
        "registry.Program",
        blank=True,
        related_name="members",
        verbose_name=_("programs"),
        help_text=_("The project manager and the psychiatrist see the whole of these programs."),
    )
    # The program chosen in the header's switcher, remembered across sign-ins.
    current_program = models.ForeignKey(
        "registry.Program",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current program"),
    )
    person = models.OneToOneField(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
        verbose_name=_("person record"),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Labels that read well in the audit trail.
    first_name = models.CharField(_("name"), max_length=150, blank=True)
    is_active = models.BooleanField(
        _("can sign in"),
        default=True,
        help_text=_("Deactivated accounts cannot sign in; their records stay."),
    )

    # Passwords and login times are not part of the audit trail; community assignments are.
    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "current_program"],
        m2m_fields=[communities, programs],
    )
    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="peer") | models.Q(person__isnull=False),
                name="peer_account_has_person",
            ),
            # "Wang" and "wang" would be two people to the database but one to a reader.
            models.UniqueConstraint(
                Lower("username"),
                name="username_unique_ignoring_case",
                violation_error_message=_("This username is taken."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        if self.person_id:
            return self.person.name
        return str(self)

    @property
    def is_peer(self) -> bool:
        return self.role == Role.PEER

    @property
    def is_program_wide(self) -> bool:
        return self.role in PROGRAM_WIDE_ROLES

    @property
    def can_manage_accounts(self) -> bool:
        return self.role == Role.PROJECT_MANAGER

    @property
    def can_edit_registry(self) -> bool:
        return bool(self.role) and self.role != Role.PEER
