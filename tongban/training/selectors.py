"""Reads for training."""

from __future__ import annotations

from datetime import date


def home_work(user, today: date) -> dict:
    """Context for the home page's training block (templates/training/_home.html): rounds
    under way, peers not yet ready to lead. A fixed number of queries whatever the rows."""
    return {}
