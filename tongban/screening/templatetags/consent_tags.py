"""The consent panel's data for pages that include it with a person (and a role) only:
`{% consent_panel person role as panel %}` is None for those who may not see consents."""

from __future__ import annotations

from django import template

from tongban.core.permissions import can_read_screening, can_record_consents

from .. import consent_selectors

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def consent_panel(context, person, role=""):
    """The panel (see consent_selectors.panel), or None for peers and anyone else who may
    not read consents. `role` narrows it to one role's documents (the candidate page)."""
    user = _user(context)
    if user is None or person is None or not can_read_screening(user):
        return None
    found = consent_selectors.panel(user, person, role or None)
    found.can_record = can_record_consents(user)
    return found


@register.simple_tag(takes_context=True)
def person_candidacies(context, person):
    """The person's candidacies in the user's communities (empty for peers)."""
    user = _user(context)
    if user is None or person is None or not can_read_screening(user):
        return []
    return list(consent_selectors.person_candidacies(user, person))
