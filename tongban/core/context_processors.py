from django.conf import settings


def navigation(request) -> dict:
    return {
        "program_name": settings.PROGRAM_NAME,
        "languages": settings.LANGUAGES,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
