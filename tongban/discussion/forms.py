"""Forms of the online group: a new topic, a reply, a moderator's reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_LENGTH


class TopicForm(forms.Form):
    title = forms.CharField(label=_("topic"), max_length=120)
    text = forms.CharField(
        label=_("message"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_question = forms.BooleanField(
        label=_("This is a question: the professionals should answer"), required=False
    )
    # Set by the "post anyway" button after the privacy warning.
    post_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("reply"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Write a reply")}),
    )
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)
    post_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class EditForm(forms.Form):
    text = forms.CharField(
        label=_("message"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    post_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)
