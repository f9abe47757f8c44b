"""Stable pseudonymous IDs: HMAC-SHA256 of the record's key under the program's secret.

The same person gets the same ID in every table and every export of the program; without
the secret (kept in the database, never exported) the ID cannot be turned back into the
person. Fifty bits (ten base-32 characters) make a collision unlikely even in a city
(about one in a million for 40,000 people).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from tongban.registry.models import Program

from .models import ExportKey

WIDTH = 11  # "P" + ten characters


def program_secret(program: Program) -> bytes:
    key, _created = ExportKey.objects.get_or_create(program=program)
    return key.secret.encode()


class Pseudonymiser:
    def __init__(self, secret: bytes, prefix: str = "P") -> None:
        self._secret = secret
        self._prefix = prefix
        self._cache: dict[int, str] = {}

    def __call__(self, pk: int | None) -> str | None:
        if pk is None:
            return None
        # A small cache: attendance repeats the same people (bounded, so memory stays flat).
        found = self._cache.get(pk)
        if found is not None:
            return found
        digest = hmac.new(self._secret, f"person:{pk}".encode(), hashlib.sha256).digest()
        code = self._prefix + base64.b32encode(digest).decode()[:10]
        if len(self._cache) < 50_000:
            self._cache[pk] = code
        return code
