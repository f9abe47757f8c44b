from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Chinese by default; a signed-in user's own choice wins, then the switch's cookie.

    Accept-Language is ignored on purpose: the program's working language is Chinese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated and user.language in self.supported:
            language = user.language
        if language is None:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = cookie if cookie in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PrivatePagesMiddleware:
    """Pages hold health data: no browser or proxy may keep a copy (a shared computer keeps
    nothing after sign-out), and the browser's devices stay off.

    Static files never get here: WhiteNoise answers them earlier in MIDDLEWARE, so they
    are still cached. Every page the app renders is marked `no-store, private`, whether
    or not the user is signed in (the sign-in page carries a CSRF token, and a page
    rendered for a signed-in user may be answered after the session ended).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        response.headers["Cache-Control"] = "no-store, private"
        response.headers.setdefault("Pragma", "no-cache")
        response.headers.setdefault("Expires", "0")
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response
