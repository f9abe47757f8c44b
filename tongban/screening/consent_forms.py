"""Consent forms. Each clean() runs the service's own rules too, so one submission shows
every error; the service checks them again before it writes."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.fields import IdChoiceField
from tongban.core.forms import DateInput
from tongban.registry.models import Person, Program

from . import services
from .models import Consent, ConsentDocument, ConsentKind


def _add_errors(form: forms.BaseForm, errors: dict[str, list[str]]) -> None:
    """The service's rules, for fields whose own checks passed (one message a field)."""
    for name, messages in errors.items():
        field = name if name in form.fields else None
        if field is not None and field in form.errors:
            continue
        for message in messages:
            if field is None and message in form.non_field_errors():
                continue
            form.add_error(field, message)


class DocumentForm(forms.Form):
    """A new version of one kind of document, prefilled from the latest."""

    RECONSENT_CHOICES = [
        ("no", _("No: signatures on earlier versions stay valid")),
        ("yes", _("Yes: people who signed an earlier version must sign this one")),
    ]

    title = forms.CharField(label=_("title (Chinese)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("title (English)"), max_length=200, required=False)
    body = forms.CharField(
        label=_("text (Chinese)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    body_en = forms.CharField(
        label=_("text (English)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    effective_from = forms.DateField(label=_("in use from"), widget=DateInput())
    reconsent = forms.ChoiceField(
        label=_("Must people who signed an earlier version sign again?"),
        choices=RECONSENT_CHOICES,
        initial="no",
        widget=forms.RadioSelect,
    )
    reconsent_required_from = forms.DateField(
        label=_("earlier versions stop counting on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "From this day a signature on an earlier version no longer counts: people who "
            "have not signed this version cannot attend or be enrolled until they do."
        ),
    )
    note = forms.CharField(
        label=_("what changed and why"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, program: Program, kind: str, latest: ConsentDocument | None, **kw):
        super().__init__(*args, **kw)
        self.program = program
        self.kind = kind
        self.latest = latest
        for name in ("title", "body"):
            self.fields[name].marked_required = True
        self.fields["reconsent_required_from"].marked_required = True
        if latest is None:
            # The first version has nothing to replace.
            del self.fields["reconsent"]
            del self.fields["reconsent_required_from"]
        else:
            self.fields["note"].marked_required = True
        self.initial.setdefault("based_on", latest.version if latest else 0)
        self.initial.setdefault("effective_from", timezone.localdate())
        if latest is not None:
            for name in ("title", "title_en", "body", "body_en"):
                self.initial.setdefault(name, getattr(latest, name))

    def clean(self):
        data = super().clean()
        reconsent_from = self._reconsent_from(data)
        errors = services.consent_document_errors(
            program=self.program,
            kind=self.kind,
            title=data.get("title", ""),
            title_en=data.get("title_en", ""),
            body=data.get("body", ""),
            body_en=data.get("body_en", ""),
            effective_from=data.get("effective_from"),
            reconsent_required_from=reconsent_from,
            based_on=data.get("based_on"),
        )
        undated = data.get("reconsent") == "yes" and reconsent_from is None
        if undated and "reconsent_required_from" not in self.errors:
            errors.setdefault("reconsent_required_from", []).append(
                str(_("Give the day from which earlier versions stop counting."))
            )
        if self.latest is not None and not (data.get("note") or "").strip():
            errors.setdefault("note", []).append(str(_("Say what changed and why.")))
        _add_errors(self, errors)
        return data

    def _reconsent_from(self, data: dict) -> date | None:
        if data.get("reconsent") != "yes":
            return None  # a date left in the field while "no" is chosen means nothing
        return data.get("reconsent_required_from")

    def document_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "title_en": data["title_en"],
            "body": data["body"],
            "body_en": data["body_en"],
            "effective_from": data["effective_from"],
            "reconsent_required_from": self._reconsent_from(data),
            "note": data["note"],
            "based_on": data.get("based_on"),
        }


class DocumentChoiceField(IdChoiceField):
    def label_from_instance(self, document: ConsentDocument) -> str:
        return str(
            _("%(title)s, version %(version)s (in use from %(date)s)")
            % {
                "title": document.display_title,
                "version": document.version,
                "date": document.effective_from.isoformat(),
            }
        )


def offered_documents(program: Program, required: list[str]):
    """Every version of the program's documents: the kinds the person's roles call for
    first, then the others; the newest version of each kind first."""
    order = {kind: i for i, kind in enumerate(ConsentKind.values)}
    first = [When(kind=kind, then=Value(i)) for i, kind in enumerate(required)]
    rest = [
        When(kind=kind, then=Value(len(required) + order[kind]))
        for kind in ConsentKind.values
        if kind not in required
    ]
    return (
        ConsentDocument.objects.filter(program=program)
        .annotate(rank=Case(*first, *rest, default=Value(99), output_field=IntegerField()))
        .order_by("rank", "-version")
    )


class ConsentForm(forms.Form):
    """That a person signed a version of a document: when, before whom."""

    document = DocumentChoiceField(
        label=_("document and version"), queryset=None, empty_label=_("choose")
    )
    signed_on = forms.DateField(label=_("date signed"), widget=DateInput())
    witness = forms.CharField(
        label=_("witness"),
        max_length=100,
        required=False,
        help_text=_("The name of the person who saw them sign (on the paper)."),
    )
    note = forms.CharField(
        label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args,
        person: Person,
        required: list[str],
        default: ConsentDocument | None = None,
        **kw,
    ):
        super().__init__(*args, **kw)
        self.person = person
        self.fields["document"].queryset = offered_documents(person.program, required)
        self.fields["witness"].marked_required = True
        if default is not None:
            self.initial.setdefault("document", default.pk)
        self.initial.setdefault("signed_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        errors = services.consent_errors(
            person=self.person,
            document=data.get("document"),
            signed_on=data.get("signed_on"),
            witness=data.get("witness", ""),
        )
        _add_errors(self, errors)
        return data

    def consent_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "document": data["document"],
            "signed_on": data["signed_on"],
            "witness": data["witness"],
            "note": data["note"],
        }


class WithdrawForm(forms.Form):
    on = forms.DateField(label=_("withdrawn on"), widget=DateInput())
    reason = forms.CharField(
        label=_("reason for withdrawal"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, consent: Consent, **kw):
        super().__init__(*args, **kw)
        self.consent = consent
        self.fields["reason"].marked_required = True
        self.initial.setdefault("on", timezone.localdate())

    def clean(self):
        data = super().clean()
        errors = services.consent_withdraw_errors(
            consent=self.consent, on=data.get("on"), reason=data.get("reason", "")
        )
        _add_errors(self, errors)
        return data
