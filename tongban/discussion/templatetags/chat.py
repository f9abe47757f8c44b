"""How a message's text is shown: escaped, links made clickable, line breaks kept, and the
people it mentions marked (a mark, not a link: a mention leads to nothing private)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.html import urlize as _urlize
from django.utils.safestring import SafeString, mark_safe

from ..services import MENTION

register = template.Library()


def _plain(text: str) -> str:
    return _urlize(text, nofollow=True, autoescape=True).replace("\n", "<br>")


@register.filter
def chat_text(message) -> SafeString:
    """Never raw HTML: every piece is escaped before it is marked up."""
    text = message.text.replace("\r\n", "\n")
    # Prefetched with the page's messages: no query per message.
    mentioned = {user.username: user for user in message.mentions.all()}
    pieces: list[str] = []
    start = 0
    for match in MENTION.finditer(text):
        user = mentioned.get(match.group(1).rstrip("."))
        if user is None:
            continue
        pieces.append(_plain(text[start : match.start()]))
        pieces.append(
            format_html(
                '<span class="mention" title="{}">@{}</span>', user.display_name, user.username
            )
        )
        start = match.start() + 1 + len(user.username)
    pieces.append(_plain(text[start:]))
    return mark_safe("".join(pieces))  # noqa: S308 - each piece is escaped above
