"""What each kind of notification says, in the reader's language.

`message` is the in-app text: it may name an emergency's kind (kept in `detail`), since
it is read only by its recipient, signed in. `public_message` is the text for e-mail,
which leaves the system: the community and what happened to the form, no health detail.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Notification

Kind = Notification.Kind

# The delay before it was a program's setting: escalations sent then stored no hours.
EARLIER_ESCALATION_HOURS = 24


def escalation_detail(kind: str, hours: int) -> str:
    """An escalation's detail: the event's kind and the program's delay that passed."""
    return f"{kind}:{hours}"


def _split(detail: str) -> tuple[str, int | None]:
    """(the event's kind, the hours) of a detail; no hours in other or older details."""
    kind, _sep, hours = detail.partition(":")
    return kind, int(hours) if hours.isdecimal() else None


def _escalation_hours(notification: Notification) -> int:
    _kind, hours = _split(notification.detail)
    return hours if hours is not None else EARLIER_ESCALATION_HOURS


def _public_texts(notification: Notification) -> dict[str, str]:
    hours = _escalation_hours(notification)
    return {
        Kind.EMERGENCY_FILED: _("Emergency event reported in %(subject)s"),
        Kind.EMERGENCY_ESCALATED: ngettext(
            "Emergency event in %(subject)s not acknowledged for %(hours)d hour",
            "Emergency event in %(subject)s not acknowledged for %(hours)d hours",
            hours,
        ),
        Kind.EMERGENCY_ACKNOWLEDGED: _("Your emergency report in %(subject)s was acknowledged"),
        Kind.EMERGENCY_CLOSED: _("Your emergency report in %(subject)s was closed"),
        Kind.EMERGENCY_IN_ACCEPTED_CYCLE: _(
            "An emergency event form was added to an accepted cycle of %(subject)s"
        ),
        Kind.SUBMISSION_SUBMITTED: _("Six-weekly forms submitted: %(subject)s"),
        Kind.SUBMISSION_RETURNED: _("Six-weekly forms returned for correction: %(subject)s"),
        Kind.SUBMISSION_ACCEPTED: _("Six-weekly forms accepted: %(subject)s"),
        Kind.ACCEPTED_FORMS_CHANGED: _("Accepted six-weekly forms changed: %(subject)s"),
        Kind.TRAINING_SCHEDULED: _("Training session scheduled: %(subject)s"),
        Kind.MEETING_CONFIRMED: _("Group supervision confirmed: %(subject)s"),
        Kind.MEETING_MOVED: _("Group supervision moved: %(subject)s"),
        Kind.ACTION_ASSIGNED: _("An agreed action is yours: %(subject)s"),
        Kind.SUPERVISION_ASKED: _("A peer of %(subject)s asks for supervision"),
        Kind.SUPERVISION_REMINDER: _("A supervision request from %(subject)s is waiting"),
        Kind.SUPERVISION_ESCALATED: _(
            "An urgent supervision request from %(subject)s has had no answer"
        ),
        Kind.SUPERVISION_ANSWERED: _("Your supervision request was answered (%(subject)s)"),
        Kind.WELLBEING_WORRYING: _("A peer's check-in in %(subject)s needs a look"),
        Kind.WELLBEING_MISSED: _("A peer of %(subject)s has missed check-ins"),
        Kind.BREAK_ASKED: _("A peer of %(subject)s asks for a break"),
        Kind.BREAK_AGREED: _("Your break was agreed (%(subject)s)"),
        Kind.BREAK_DECLINED: _("Your break request was answered (%(subject)s)"),
        Kind.DISCUSSION_MENTION: _("You were mentioned in the group (%(subject)s)"),
        Kind.DISCUSSION_WAITING: _(
            "A question in the group is waiting for an answer (%(subject)s)"
        ),
    }


def _event_kind(detail: str) -> str | None:
    from tongban.emergencies.models import EmergencyEvent

    kind, _hours = _split(detail)
    if kind in EmergencyEvent.Kind.values:
        return str(EmergencyEvent.Kind(kind).label)
    return None


def _detailed(notification: Notification) -> str | None:
    """The text naming the detail, or None when the notification has none (older rows)."""
    detail = notification.detail
    if not detail:
        return None
    values = {"subject": notification.subject}
    if notification.kind == Kind.EMERGENCY_IN_ACCEPTED_CYCLE:
        if not detail.isdecimal():
            return None
        values["cycle"] = detail
        return _("%(subject)s cycle %(cycle)s (accepted): an emergency event form was added") % (
            values
        )
    kind = _event_kind(detail)
    if kind is None:
        return None
    values["kind"] = kind
    values["hours"] = hours = _escalation_hours(notification)
    texts = {
        Kind.EMERGENCY_FILED: _("%(subject)s: %(kind)s, awaiting acknowledgement"),
        Kind.EMERGENCY_ESCALATED: ngettext(
            "%(subject)s: %(kind)s, not acknowledged for %(hours)d hour",
            "%(subject)s: %(kind)s, not acknowledged for %(hours)d hours",
            hours,
        ),
        Kind.EMERGENCY_ACKNOWLEDGED: _("%(subject)s: %(kind)s, your report was acknowledged"),
        Kind.EMERGENCY_CLOSED: _("%(subject)s: %(kind)s, your report was closed"),
    }
    text = texts.get(notification.kind)
    return text % values if text else None


def public_message(notification: Notification) -> str:
    """No health detail: safe for an e-mail's subject and body."""
    values = {"subject": notification.subject, "hours": _escalation_hours(notification)}
    return _public_texts(notification)[notification.kind] % values


def message(notification: Notification) -> str:
    """The in-app text, which names an emergency's type when it is known."""
    return _detailed(notification) or public_message(notification)
