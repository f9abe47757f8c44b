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
