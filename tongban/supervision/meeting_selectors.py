"""Reads for the meeting part of supervision."""

from __future__ import annotations

from datetime import date


def home_work(user, today: date) -> dict:
    """Context for the home page's meeting block (templates/supervision/_home_meeting.html):
    what this user has to do this week. A fixed number of queries whatever the rows."""
    return {}
