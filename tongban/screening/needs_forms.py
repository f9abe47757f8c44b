"""Forms of the pre-service needs interviews. clean() runs the service's own rules too, so
one submission shows every error; the service checks them again before it writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.activities.models import Category
from tongban.core import scope
from tongban.core.concurrency import VersionField, current_version
from tongban.core.fields import IdChoiceField
from tongban.core.forms import DateInput
from tongban.registry.models import Community, Person

from . import services
from .models import NeedsInterview, NeedsRespondent

# The paper's examples under each category (MODEL.md, "Sessions"), read out to the person
# so that "daily life skills" means something.
CATEGORY_EXAMPLES: dict[str, object] = {
    Category.DAILY_LIFE_SKILLS: _("cooking, how to use WeChat"),
    Category.SOCIAL_SKILLS: _(
        "body language and facial expression, verbal communication, introducing oneself"
    ),
    Category.KNOWLEDGE: _(
        "treatments for schizophrenia, recognising recurrence, early warning signs of relapse, "
        "medications, side effects"
    ),
    Category.ENTERTAINMENT: _("singing, watching movies"),
    Category.FINE_MOTOR_EXERCISE: _("handwriting, Chinese calligraphy, puzzles, physical exercise"),
    Category.PERSONAL_PERCEPTIONS: _("self-esteem, self-confidence"),
    Category.HEALTHY_LIFESTYLE: _("controlling emotions, healthy diet"),
    Category.EMOTIONAL_SUPPORT: _("sharing childhood stories, relationships with family members"),
}


class CommunityField(IdChoiceField):
    def label_from_instance(self, community: Community) -> str:
        return community.display_name


class NeedsInterviewForm(forms.Form):
    """One phone page. A new interview also asks who answered (respondent type) and for
    which community it counts; a correction keeps both (void and record again instead)."""

    respondent = forms.ChoiceField(
        label=_("respondent type"), choices=NeedsRespondent.choices, widget=forms.RadioSelect
    )
    community = CommunityField(
        label=_("community"),
        queryset=Community.objects.none(),
        empty_label=_("choose"),
        help_text=_("For a caregiver: the community of the person they care for."),
    )
    interviewed_on = forms.DateField(label=_("interview date"), widget=DateInput())
    categories = forms.MultipleChoiceField(
        label=_("needs and interests"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every category the person asked for."),
    )
    note = forms.CharField(
        label=_("needs and interests in their own words"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = VersionField()

    def __init__(
        self,
        *args,
        user,
        person: Person,
        interview: NeedsInterview | None = None,
        proposed_respondent: str = "",
        proposed_community: Community | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.person = person
        self.interview = interview
        if interview is None:
            del self.fields["version"]
            mine = scope.communities(user).order_by("started_on", "name", "pk")
            self.fields["community"].queryset = mine
            self.initial.setdefault("interviewed_on", timezone.localdate())
            if proposed_respondent:
                self.initial.setdefault("respondent", proposed_respondent)
            if proposed_community is not None:
                self.initial.setdefault("community", proposed_community.pk)
            elif len(mine) == 1:
                self.initial.setdefault("community", mine[0].pk)
            return
        del self.fields["respondent"]
        del self.fields["community"]
        self.initial.update(
            {
                "interviewed_on": interview.interviewed_on,
                "categories": list(interview.categories.values_list("category", flat=True)),
                "note": interview.note,
                "version": current_version(interview),
            }
        )

    def category_options(self) -> list[tuple[object, object]]:
        """Each checkbox with the paper's examples of its category."""
        return [
            (option, CATEGORY_EXAMPLES.get(option.data["value"], ""))
            for option in self["categories"]
        ]

    def _community(self) -> Community | None:
        if self.interview is not None:
            return self.interview.community
        return self.cleaned_data.get("community")

    def clean(self):
        data = super().clean()
        community = self._community()
        if community is None:
            # Its own error says to choose one; the other rules are still checked, on an
            # unsaved community of the person's program (every choice offered is one).
            community = Community(program_id=self.person.program_id)
        errors = services.needs_interview_errors(
            person=self.person,
            community=community,
            interviewed_on=data.get("interviewed_on"),
            categories=data.get("categories", []),
            note=data.get("note", ""),
        )
        for name, messages in errors.items():
            field = name if name in self.fields else None
            if field is not None and field in self.errors:
                continue  # a date that is not a date says so already
            for message in messages:
                self.add_error(field, message)
        return data

    def interview_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "interviewed_on": data["interviewed_on"],
            "categories": list(data.get("categories", [])),
            "note": data.get("note", ""),
        }


class NeedsFilterForm(forms.Form):
    community = CommunityField(
        label=_("community"), queryset=Community.objects.none(), required=False
    )
    respondent = forms.ChoiceField(
        label=_("respondent type"),
        choices=[("", _("all")), *NeedsRespondent.choices],
        required=False,
    )
    missing = forms.BooleanField(label=_("not interviewed yet"), required=False)
    voided = forms.BooleanField(label=_("voided interviews"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = scope.communities(user).order_by("started_on", "name", "pk")
        self.fields["community"].queryset = communities
        self.fields["community"].empty_label = _("all my communities")

    def values(self) -> dict:
        """The filters in force (an invalid one is dropped, never a 500)."""
        self.is_valid()  # the fields that are valid stay in cleaned_data
        data = getattr(self, "cleaned_data", {})  # none when nothing was asked for
        return {
            "community": data.get("community"),
            "respondent": data.get("respondent", ""),
            "missing": bool(data.get("missing")),
            "voided": bool(data.get("voided")),
        }
