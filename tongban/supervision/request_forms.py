"""Forms of as-needed supervision. clean() runs the service's own rules too, so one
submission shows every error; the service checks them again before it writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import User
from tongban.activities.models import ActivityPlan
from tongban.core.concurrency import VersionField, current_version
from tongban.core.fields import IdChoiceField
from tongban.core.forms import DateInput
from tongban.registry.models import Community

from . import request_selectors as selectors
from . import request_services as services
from .models import SupervisionRequest


class PeopleField(IdChoiceField):
    def label_from_instance(self, user) -> str:
        return _("%(name)s (%(role)s)") % {
            "name": user.display_name,
            "role": user.get_role_display(),
        }


class SessionField(IdChoiceField):
    def label_from_instance(self, plan: ActivityPlan) -> str:
        return f"{plan.planned_on:%Y-%m-%d} {plan.theme}"


def _add_errors(form: forms.Form, errors: dict) -> None:
    for name, messages in errors.items():
        field = name if name in form.fields else None
        if field is not None and field in form.errors:
            continue  # the field's own error (not a date, not a choice) says so already
        for message in messages:
            form.add_error(field, message)


class RequestForm(forms.Form):
    """The peer's phone page: what about, how urgent, who should answer."""

    topic = forms.CharField(
        label=_("topic"),
        max_length=services.TOPIC_MAX,
        help_text=_("A few words: e.g. a consumer did not want to take part."),
    )
    details = forms.CharField(
        label=_("what happened, what you need"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    urgency = forms.ChoiceField(
        label=_("urgency"),
        choices=SupervisionRequest.Urgency.choices,
        widget=forms.RadioSelect,
        initial=SupervisionRequest.Urgency.ROUTINE,
    )
    doctor = PeopleField(
        label=_("community doctor"), queryset=None, empty_label=_("choose"), required=False
    )
    session = SessionField(
        label=_("about a session (optional)"),
        queryset=ActivityPlan.objects.none(),
        empty_label=_("no particular session"),
        required=False,
    )

    def __init__(self, *args, community: Community, session: ActivityPlan | None = None, **kw):
        super().__init__(*args, **kw)
        self.community = community
        self.answerers = services.answerers(community)
        users = self.answerers.users
        doctor = self.fields["doctor"]
        # Checked by the service's rule (its own words), but required all the same.
        doctor.marked_required = True
        doctor.queryset = User.objects.filter(pk__in=[user.pk for user in users]).order_by(
            "first_name", "username", "pk"
        )
        if not self.answerers.are_doctors:
            doctor.label = _("who should answer")
            doctor.help_text = _(
                "Your community has no community doctor in the system: a psychologist or the "
                "psychiatrist answers."
            )
        if len(users) == 1:
            self.initial.setdefault("doctor", users[0].pk)
        offered = list(selectors.sessions_offered(community))
        if session is not None and session.pk not in {plan.pk for plan in offered}:
            offered.insert(0, session)
        self.fields["session"].queryset = ActivityPlan.objects.filter(
            pk__in=[plan.pk for plan in offered]
        ).order_by("-planned_on", "-planned_start", "-pk")
        if session is not None:
            self.initial.setdefault("session", session.pk)

    def clean(self):
        data = super().clean()
        errors = services.request_errors(
            community=self.community,
            topic=data.get("topic", ""),
            urgency=data.get("urgency", ""),
            doctor=data.get("doctor"),
            session=data.get("session"),
            known_answerers=self.answerers,
        )
        _add_errors(self, errors)
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "community": self.community,
            "topic": data["topic"],
            "details": data.get("details", ""),
            "urgency": data["urgency"],
            "doctor": data["doctor"],
            "session": data.get("session"),
        }


class ActionFields(forms.Form):
    """An agreed action: what, who, by when (all three, or none)."""

    action_text = forms.CharField(
        label=_("what will be done"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Something someone will do by a date: it stays on their home page until done."),
    )
    action_owner = PeopleField(
        label=_("who will do it"), queryset=None, empty_label=_("choose"), required=False
    )
    action_due_on = forms.DateField(label=_("due"), required=False, widget=DateInput())

    def __init__(self, *args, request: SupervisionRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["action_owner"].queryset = services.action_owners(request)

    def action_data(self) -> dict:
        data = self.cleaned_data
        return {
            "action_text": data.get("action_text", ""),
            "action_owner": data.get("action_owner"),
            "action_due_on": data.get("action_due_on"),
        }


class AnswerForm(ActionFields):
    """The doctor's answer, how it was given, and optionally an agreed action."""

    answer = forms.CharField(
        label=_("answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )
    answered_how = forms.ChoiceField(
        label=_("answered by way of"),
        choices=services.AnsweredHow.choices,
        widget=forms.RadioSelect,
    )
    version = VersionField()

    field_order = ["answer", "answered_how", "action_text", "action_owner", "action_due_on"]

    def __init__(self, *args, request: SupervisionRequest, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.initial.setdefault("version", current_version(request))
        if request.answered_at is not None:
            self.initial.setdefault("answer", request.answer)
            self.initial.setdefault("answered_how", request.answered_how)
        self.initial.setdefault("action_owner", _peer_account_pk(request))

    def clean(self):
        data = super().clean()
        errors = services.answer_errors(
            request=self.request,
            answer=data.get("answer", ""),
            answered_how=data.get("answered_how", ""),
            action_text=data.get("action_text", ""),
            action_owner=data.get("action_owner"),
            action_due_on=data.get("action_due_on"),
            today=timezone.localdate(),
        )
        _add_errors(self, errors)
        return data


class ActionForm(ActionFields):
    """Another agreed action on an answered request."""

    def __init__(self, *args, request: SupervisionRequest, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.fields["action_text"].required = True
        self.fields["action_text"].help_text = ""
        self.initial.setdefault("action_owner", _peer_account_pk(request))

    def clean(self):
        data = super().clean()
        errors = services.action_errors(
            request=self.request,
            text=data.get("action_text", ""),
            owner=data.get("action_owner"),
            due_on=data.get("action_due_on"),
            today=timezone.localdate(),
        )
        _add_errors(self, errors)
        return data


def _peer_account_pk(request: SupervisionRequest) -> int | None:
    accounts = services.peer_accounts(request)
    return accounts[0].pk if accounts else None


class RequestFilterForm(forms.Form):
    community = IdChoiceField(
        label=_("community"), queryset=Community.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[
            ("", _("open and answered")),
            (selectors.Status.OPEN, _("waiting for an answer")),
            (selectors.Status.ANSWERED, _("answered")),
            (selectors.Status.VOIDED, _("voided")),
        ],
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["community"].empty_label = _("all my communities")
        self.fields["community"].label_from_instance = lambda c: c.display_name

    def values(self) -> dict:
        """The filters in force (an invalid one is dropped, never a 500)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"community": data.get("community"), "status": data.get("status", "")}
