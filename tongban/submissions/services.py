"""Writes of six-weekly submissions: submit, return with comments, resubmit, accept.

Each runs in one transaction and locks the submission row, so that a double click or two
people at once end in a clear message rather than two conversations or a 500.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import Role, User
from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send
from tongban.registry.models import Community, Enrolment

from . import cycles, rules
from .cycles import Cycle
from .models import Submission, SubmissionEvent

Status = Submission.Status


def notification_subject(community: Community, cycle: Cycle) -> str:
    """The program's own label of a community's cycle, e.g. "团结湖 第 26 期（…）".

    Stored once and read in every reader's language, like the community's own (Chinese)
    name it starts with; the dates say the same to every reader.
    """
    return (
        f"{community.name} 第 {cycle.number} 期"
        f"（{cycle.starts_on:%Y-%m-%d}–{cycle.ends_on:%Y-%m-%d}）"
    )


def cycle_url(community: Community, cycle: Cycle) -> str:
    return reverse(
        "submissions:cycle_detail", kwargs={"community": community.pk, "cycle": cycle.number}
    )


def managers(program):
    """The active project managers of `program` (program-wide roles belong to it directly)."""
    return User.objects.filter(role=Role.PROJECT_MANAGER, is_active=True, programs=program)


def peer_accounts(community: Community):
    """Accounts of the peers serving in the community now."""
    serving = Enrolment.objects.in_service().filter(community=community, role=Enrolment.Role.PEER)
    return User.objects.filter(
        role=Role.PEER, is_active=True, person_id__in=serving.values("person_id")
    )


def _notify(recipients, *, kind: str, community: Community, cycle: Cycle, by) -> None:
    notification_send(
        recipients=[user for user in recipients if user.pk != by.pk],
        kind=kind,
        subject=notification_subject(community, cycle),
        url=cycle_url(community, cycle),
        program=community.program,
    )


def _cycle(community: Community, number: int) -> Cycle:
    calendar = cycles.for_program(community.program)
    if number not in calendar.numbers_for(community.started_on, timezone.localdate()):
        raise ValidationError(_("This community has no such reporting cycle."))
    return calendar.cycle(number)


def _locked(community: Community, number: int) -> Submission | None:
    return (
        Submission.objects.select_for_update()
        .filter(community=community, cycle=number)
        .order_by()
        .first()
    )


def _refuse(submission: Submission) -> None:
    """A clear message for an action that came too late (double click, someone else)."""
    messages = {
        Status.SUBMITTED: _(
            "These forms are already submitted and wait for the project manager's review."
        ),
        Status.RETURNED: _(
            "These forms were returned for correction; they must be submitted again first."
        ),
        Status.ACCEPTED: _("These forms are already accepted."),
    }
    raise ValidationError(messages[submission.status])


@transaction.atomic
def submission_submit(
    *, community: Community, cycle_number: int, by: User, comments: str = ""
) -> Submission:
    """Hand in a cycle's forms, the first time or again after they were returned."""
    if not rules.can_submit(by, community):
        raise ValidationError(
            _("Only a peer of this community or the project manager can submit its forms.")
        )
    cycle = _cycle(community, cycle_number)
    if not cycle.can_submit(timezone.localdate()):
        raise ValidationError(
            _("The forms of this cycle can be submitted from %(date)s, its last day.")
            % {"date": cycle.ends_on.isoformat()}
        )
    now = timezone.now()
    submission = _locked(community, cycle.number)
    if submission is None:
        try:
            with transaction.atomic():  # a simultaneous first submission loses to the constraint
                submission = Submission.objects.create(
                    community=community,
                    cycle=cycle.number,
                    status=Status.SUBMITTED,
                    submitted_by=by,
                    submitted_at=now,
                )
        except IntegrityError as error:
            raise ValidationError(
                _("These forms are already submitted and wait for the project manager's review.")
            ) from error
    elif submission.status == Status.RETURNED:
        submission.status = Status.SUBMITTED
        submission.submitted_by = by
        submission.submitted_at = now
        # The review fields describe the review under way; the history keeps the old ones.
        submission.reviewed_by = None
        submission.reviewed_at = None
        submission.comments = ""
        submission.save()
    else:
        _refuse(submission)
    SubmissionEvent.objects.create(
        submission=submission, status=Status.SUBMITTED, by=by, comments=comments.strip()
    )
    _notify(
        managers(community.program),
        kind=Notification.Kind.SUBMISSION_SUBMITTED,
        community=community,
        cycle=cycle,
        by=by,
    )
    return submission


def _review(
    *, community: Community, cycle_number: int, by: User, status: str, comments: str
) -> Submission:
    if not rules.can_review(by):
        raise ValidationError(_("Only the project manager reviews submissions."))
    cycle = _cycle(community, cycle_number)
    submission = _locked(community, cycle.number)
    if submission is None:
        raise ValidationError(_("Nothing has been submitted for this cycle yet."))
    if submission.status != Status.SUBMITTED:
        _refuse(submission)
    submission.status = status
    submission.reviewed_by = by
    submission.reviewed_at = timezone.now()
    submission.comments = comments.strip()
    submission.save()
    SubmissionEvent.objects.create(
        submission=submission, status=status, by=by, comments=comments.strip()
    )
    kind = (
        Notification.Kind.SUBMISSION_RETURNED
        if status == Status.RETURNED
        else Notification.Kind.SUBMISSION_ACCEPTED
    )
    _notify(peer_accounts(community), kind=kind, community=community, cycle=cycle, by=by)
    return submission


@transaction.atomic
def submission_return(
    *, community: Community, cycle_number: int, by: User, comments: str
) -> Submission:
    """Send the forms back to the peers, saying what needs correcting."""
    if not comments.strip():
        raise ValidationError({"comments": _("Say what needs correcting.")})
    return _review(
        community=community,
        cycle_number=cycle_number,
        by=by,
        status=Status.RETURNED,
        comments=comments,
    )


@transaction.atomic
def submission_accept(
    *, community: Community, cycle_number: int, by: User, comments: str = ""
) -> Submission:
    """Accept the forms: from now on a change to them needs a reason (see locking.py)."""
    return _review(
        community=community,
        cycle_number=cycle_number,
        by=by,
        status=Status.ACCEPTED,
        comments=comments,
    )
