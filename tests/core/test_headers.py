"""Every page carries a Content-Security-Policy, a Permissions-Policy, and is never stored."""

import pytest
from django.contrib.staticfiles import finders

PAGES = ["/", "/sessions/", "/people/", "/emergencies/", "/submissions/", "/communities/"]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_pages_are_never_stored(client_for, users, path):
    response = client_for(users["doctor"]).get(path)
    assert response.status_code == 200
    cache = {word.strip() for word in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache
    assert "max-age" not in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize("username", ["manager", "doctor", "peer"])
def test_content_security_policy_allows_nothing_inline(client_for, users, username):
    response = client_for(users[username]).get("/")
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_permissions_policy_turns_devices_off(client_for, users):
    response = client_for(users["peer"]).get("/")
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


def test_the_sign_in_page_and_errors_carry_the_headers_too(client, client_for, users):
    login = client.get("/login/")
    assert "no-store" in login["Cache-Control"]
    assert "Content-Security-Policy" in login
    missing = client_for(users["doctor"]).get("/people/999999/")
    assert missing.status_code == 404
    assert "no-store" in missing["Cache-Control"]
    assert "Permissions-Policy" in missing


def test_no_template_has_inline_script(settings):
    """CSP refuses inline script: every script is a static file."""
    import re
    from pathlib import Path

    root = Path(settings.BASE_DIR) / "tongban" / "templates"
    offenders = []
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(str(template.relative_to(root)))
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template.relative_to(root)} (event handler attribute)")
    assert not offenders, f"inline script in {sorted(set(offenders))}"


def test_static_files_are_not_marked_no_store(client, settings):
    """WhiteNoise answers static files before the private-pages middleware sees them."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    assert finders.find("tongban/tongban.css")
    response = client.get("/static/tongban/tongban.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
