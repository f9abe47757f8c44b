"""Record ids from the query string or a form: ASCII digits only, else 404.

`str.isdigit()` accepts "²" and `int()` accepts "٣"; neither is an id a page ever
links to, and "²" reaching the database raises a 500. Every view that reads an id
from request data goes through here.
"""

from __future__ import annotations

import re

from django.http import Http404

_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    """The id in `value`, or None when it is not a plain run of ASCII digits."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    return int(value)


def id_or_404(value: object) -> int:
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return pk
