"""Small helpers for the screening page tests (dates of birth for a given age)."""

from __future__ import annotations

from datetime import date, timedelta


def born_aged(years: int, on: date, *, birthday_passed: bool = True) -> date:
    """A date of birth that makes someone exactly `years` old on `on`.

    With `birthday_passed=False` their birthday is the day after `on`: they are `years`
    old there only just (one day later they turn `years + 1`)."""
    born = date(on.year - years, on.month, on.day)
    if birthday_passed:
        return born
    # A year earlier and a day later: still `years` on `on`, one more the day after.
    return date(on.year - years - 1, on.month, on.day) + timedelta(days=1)


def in_english(user):
    """Pages in English for `user` (the language remembered for the account)."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user
