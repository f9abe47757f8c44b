from django.conf import settings

from tongban.core import scope


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    current = scope.program(user) if user is not None else None
    context = {
        # The chosen program's name heads every page; before sign-in, the product's.
        "program_name": current.display_name if current else settings.PROGRAM_NAME,
        "current_program": current,
        "languages": settings.LANGUAGES,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    if current is not None:
        # The switcher appears only for a user with more than one program.
        choices = list(scope.programs(user)[:50])
        context["program_choices"] = choices if len(choices) > 1 else []
    return context
