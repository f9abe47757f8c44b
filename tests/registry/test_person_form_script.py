"""The person form's script is a static file, so a CSP without 'unsafe-inline' works
(issue 7, item 19)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "tongban" / "templates"
OWN = ("registry", "accounts", "submissions", "registration")


def test_add_person_page_loads_its_script_deferred_and_has_no_inline_script(client_for, users):
    page = client_for(users["manager"]).get("/people/new/").content.decode()
    assert re.search(r'<script src="/static/tongban/person_form\.js" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "an inline script is left"
    script = Path(settings.BASE_DIR) / "tongban" / "static" / "tongban" / "person_form.js"
    assert 'getElementById("id_contact_signed_on")' in script.read_text()


def test_own_templates_have_no_inline_scripts_handlers_or_styles():
    offenders = []
    for folder in OWN:
        for path in (TEMPLATES / folder).glob("*.html"):
            text = path.read_text()
            if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
                offenders.append(f"{path.name}: inline script")
            if re.search(r"\son[a-z]+\s*=", text):
                offenders.append(f"{path.name}: inline event handler")
            if re.search(r"\sstyle\s*=", text):
                offenders.append(f"{path.name}: inline style")
    assert not offenders
