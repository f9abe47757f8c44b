"""Role checks for views. Scope (which records) is tongban.core.scope; this is which actions."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied


def require(check: Callable) -> Callable:
    """Decorate a view so that users failing `check(user)` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def can_edit_registry(user) -> bool:
    return user.is_authenticated and user.is_active and user.can_edit_registry


def can_manage_accounts(user) -> bool:
    return user.is_authenticated and user.is_active and user.can_manage_accounts


def can_record_sessions(user) -> bool:
    """Peers fill in their session forms; staff who help before and after sessions, and
    research assistants typing in paper forms, may too. Psychiatrists and psychologists
    supervise: they read."""
    from tongban.accounts.models import Role

    return (
        user.is_authenticated
        and user.is_active
        and user.role
        in {
            Role.PEER,
            Role.COMMUNITY_DOCTOR,
            Role.SOCIAL_WORKER,
            Role.RESEARCH_ASSISTANT,
            Role.PROJECT_MANAGER,
        }
    )


def can_back_enter(user) -> bool:
    """Research assistants (and the manager) type in forms filled in on paper."""
    from tongban.accounts.models import Role

    return (
        user.is_authenticated
        and user.is_active
        and user.role in {Role.RESEARCH_ASSISTANT, Role.PROJECT_MANAGER}
    )


def can_set_up_programs(user) -> bool:
    """The project manager sets up the program: settings, communities, venues."""
    return user.is_authenticated and user.is_active and user.can_manage_accounts


def can_manage_topics(user) -> bool:
    return user.is_authenticated and user.is_active and user.can_manage_accounts


def can_run_evaluations(user) -> bool:
    """Research assistants interview (MODEL.md, "Evaluation"); the manager runs the program."""
    from tongban.accounts.models import Role

    return (
        user.is_authenticated
        and user.is_active
        and user.role in {Role.RESEARCH_ASSISTANT, Role.PROJECT_MANAGER}
    )


def can_read_evaluations(user) -> bool:
    """Every staff account, within its communities; peers are interviewed, not shown."""
    return user.is_authenticated and user.is_active and bool(user.role) and not user.is_peer


def _has_role(user, roles) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def can_read_screening(user) -> bool:
    """Staff read candidates, assessments and consents in their communities; peers never
    see anyone's screening, diagnoses or consents."""
    return user.is_authenticated and user.is_active and bool(user.role) and not user.is_peer


def can_add_candidates(user) -> bool:
    """Community doctors recommend peers and refer consumers; research assistants and the
    manager enter those who came after seeing a poster; the psychiatrist may too."""
    from tongban.accounts.models import Role

    return _has_role(
        user,
        {Role.COMMUNITY_DOCTOR, Role.RESEARCH_ASSISTANT, Role.PROJECT_MANAGER, Role.PSYCHIATRIST},
    )


def can_assess_eligibility(user) -> bool:
    """The psychiatrist screens every peer and consumer (MODEL.md, "Eligibility")."""
    from tongban.accounts.models import Role

    return _has_role(user, {Role.PSYCHIATRIST})


def can_edit_criteria(user) -> bool:
    """Criteria and consent documents are program data: the project manager's."""
    return user.is_authenticated and user.is_active and user.can_manage_accounts


def can_record_consents(user) -> bool:
    """Whoever sat with the person as they signed: research assistant, community doctor,
    the manager, the psychiatrist."""
    from tongban.accounts.models import Role

    return _has_role(
        user,
        {Role.RESEARCH_ASSISTANT, Role.COMMUNITY_DOCTOR, Role.PROJECT_MANAGER, Role.PSYCHIATRIST},
    )


def can_record_needs(user) -> bool:
    """Research assistants do the pre-service interviews (the manager may type them in)."""
    from tongban.accounts.models import Role

    return _has_role(user, {Role.RESEARCH_ASSISTANT, Role.PROJECT_MANAGER})


# Training and supervision (MODEL.md, "Training", "Supervision") --------------------------


def _supervisor_roles():
    from tongban.accounts.models import Role

    # Who supervises peers: community doctors (as needed), psychologists and the
    # psychiatrist (groups), social workers (from year three).
    return {
        Role.COMMUNITY_DOCTOR,
        Role.CLINICAL_PSYCHOLOGIST,
        Role.PSYCHIATRIST,
        Role.SOCIAL_WORKER,
    }


def can_manage_training(user) -> bool:
    """The trainers (psychiatrist, psychologist) and the manager plan rounds and take
    attendance."""
    from tongban.accounts.models import Role

    return _has_role(user, {Role.PROJECT_MANAGER, Role.PSYCHIATRIST, Role.CLINICAL_PSYCHOLOGIST})


def can_read_training(user) -> bool:
    """Staff read the training of their communities' peers; a peer reads only their own
    (through their person page and the rounds of their community)."""
    return user.is_authenticated and user.is_active and bool(user.role)


def can_schedule_supervision(user) -> bool:
    """Group supervision is led by the psychologists and the psychiatrist; the manager runs
    the program: they confirm or move the proposed dates and set the phases."""
    from tongban.accounts.models import Role

    return _has_role(user, {Role.PROJECT_MANAGER, Role.PSYCHIATRIST, Role.CLINICAL_PSYCHOLOGIST})


def can_read_supervision(user) -> bool:
    """Meeting records, issues raised and as-needed requests: supervisors and the manager
    (research assistants evaluate "issues raised" through the report, not the records;
    peers see their own requests and actions only)."""
    from tongban.accounts.models import Role

    return _has_role(user, _supervisor_roles() | {Role.PROJECT_MANAGER})


def can_record_supervision(user) -> bool:
    """Whoever led or attended the meeting writes its record."""
    return can_read_supervision(user)


def can_ask_supervision(user) -> bool:
    """Peers ask for as-needed supervision."""
    return bool(user.is_authenticated and user.is_active and user.is_peer)


def can_answer_supervision(user) -> bool:
    """The community doctor answers; the psychologist and the psychiatrist when it is
    escalated or the doctor is away."""
    from tongban.accounts.models import Role

    return _has_role(user, {Role.COMMUNITY_DOCTOR, Role.CLINICAL_PSYCHOLOGIST, Role.PSYCHIATRIST})


def can_give_guidance(user) -> bool:
    """Year one: doctors and psychologists direct peers before and after each session;
    social workers on request from year three."""
    return _has_role(user, _supervisor_roles())


def can_read_wellbeing(user) -> bool:
    """Supervisors of the peer's community see check-ins; never the manager, research
    assistants or other peers (a peer sees their own)."""
    return _has_role(user, _supervisor_roles())


def can_decide_breaks(user) -> bool:
    return can_read_wellbeing(user)


def can_check_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_peer)


def can_export_research(user) -> bool:
    """Researchers analyse the program; the manager and the psychiatrist see all of it.
    A research assistant exports their own communities."""
    from tongban.accounts.models import Role

    return _has_role(user, {Role.RESEARCH_ASSISTANT, Role.PROJECT_MANAGER, Role.PSYCHIATRIST})


def can_export_identified(user) -> bool:
    """Names, dates of birth, phones and free text leave the system only through the project
    manager, with a reason that is audited."""
    from tongban.accounts.models import Role

    return _has_role(user, {Role.PROJECT_MANAGER})


def can_name_moderators(user) -> bool:
    """The psychiatrist and the project manager moderate every space and name others."""
    from tongban.accounts.models import Role

    return _has_role(user, {Role.PSYCHIATRIST, Role.PROJECT_MANAGER})


def can_moderate_space(user, space) -> bool:
    """The psychiatrist and the project manager moderate every space of their program;
    others only the spaces that named them."""
    if can_name_moderators(user):
        return True
    return bool(
        user.is_authenticated and user.is_active and space.moderators.filter(pk=user.pk).exists()
    )
