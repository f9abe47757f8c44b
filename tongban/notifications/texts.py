"""What each kind of notification says, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Notification


def message(notification: Notification) -> str:
    subject = notification.subject
    Kind = Notification.Kind
    texts = {
        Kind.EMERGENCY_FILED: _("Emergency event reported in %(subject)s"),
        Kind.EMERGENCY_ESCALATED: _("Emergency event in %(subject)s not acknowledged for 24 hours"),
        Kind.SUBMISSION_SUBMITTED: _("Six-weekly forms submitted: %(subject)s"),
        Kind.SUBMISSION_RETURNED: _("Six-weekly forms returned for correction: %(subject)s"),
        Kind.SUBMISSION_ACCEPTED: _("Six-weekly forms accepted: %(subject)s"),
    }
    return texts[notification.kind] % {"subject": subject}
