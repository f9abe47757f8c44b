"""Forms of the online group: a new topic, a reply, a moderator's reason, the moderators
of a space, the search box."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tongban.core import scope

from .models import Space
from .services import MAX_LENGTH

# How far back the link choices reach: recent sessions and requests are what a message
# is about; older ones are reached from their own pages.
LINK_DAYS = 60
LINK_CHOICES = 40


class SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, plan) -> str:
        return f"{date_format(plan.planned_on)} · {plan.community.display_name} · {plan.theme}"


class RequestChoice(forms.ModelChoiceField):
    def label_from_instance(self, request) -> str:
        # The date and community only: the request's topic may be private to its asker.
        return _("Request of %(date)s · %(community)s") % {
            "date": date_format(timezone.localdate(request.asked_at)),
            "community": request.community.display_name,
        }


class _LinkFields(forms.Form):
    """An optional link to a session or a supervision request the writer may see, in the
    space's community (any of the writer's for the program-wide space)."""

    session = SessionChoice(label=_("about a session"), queryset=None, required=False)
    supervision_request = RequestChoice(
        label=_("about a supervision request"), queryset=None, required=False
    )

    def __init__(self, *args, user, space: Space, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from tongban.activities.models import ActivityPlan

        today = timezone.localdate()
        plans = ActivityPlan.objects.visible_to(user).current()
        requests = scope.supervision_requests(user).filter(voided_at__isnull=True)
        if space.community_id:
            plans = plans.filter(community_id=space.community_id)
            requests = requests.filter(community_id=space.community_id)
        window = (today - timedelta(days=LINK_DAYS), today + timedelta(days=LINK_DAYS))
        recent_plans = plans.filter(planned_on__range=window).order_by("-planned_on", "-pk")
        since = timezone.now() - timedelta(days=LINK_DAYS)
        recent_requests = requests.filter(asked_at__gte=since).order_by("-asked_at", "-pk")
        # The choices are the newest few; a posted id is checked against the same window.
        self.fields["session"].queryset = (
            plans.filter(pk__in=recent_plans.values("pk")[:LINK_CHOICES])
            .select_related("community")
            .order_by("-planned_on", "-pk")
        )
        self.fields["supervision_request"].queryset = (
            requests.filter(pk__in=recent_requests.values("pk")[:LINK_CHOICES])
            .select_related("community")
            .order_by("-asked_at", "-pk")
        )

    @property
    def has_link_choices(self) -> bool:
        return any(
            f.queryset.exists()
            for f in (self.fields["session"], self.fields["supervision_request"])
        )


class TopicForm(_LinkFields):
    title = forms.CharField(label=_("topic"), max_length=120)
    text = forms.CharField(
        label=_("message"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_question = forms.BooleanField(
        label=_("This is a question: the professionals should answer"), required=False
    )
    # Set by the "post anyway" button after the privacy warning.
    post_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    field_order = ["title", "text", "is_question", "session", "supervision_request"]


class ReplyForm(_LinkFields):
    text = forms.CharField(
        label=_("reply"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Write a reply")}),
    )
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)
    post_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    field_order = ["text", "quote", "session", "supervision_request"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class EditForm(forms.Form):
    text = forms.CharField(
        label=_("message"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    post_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ModeratorForm(forms.Form):
    """Name a member of the space as a moderator."""

    user = forms.ModelChoiceField(label=_("person"), queryset=None)
    reason = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, space: Space, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from tongban.accounts.models import PROGRAM_WIDE_ROLES

        self.fields["user"].queryset = (
            scope.discussion_members(space)
            .exclude(role__in=PROGRAM_WIDE_ROLES)
            .exclude(pk__in=space.moderators.values("pk"))
            .select_related("person")
            .order_by("role", "username")
        )
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.display_name} ({u.get_role_display()})"
        )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("search"), min_length=2, max_length=100, strip=True)
