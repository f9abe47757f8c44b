"""Writes of wellbeing check-ins, alerts and break requests (filled in by the wellbeing part)."""

from __future__ import annotations

from datetime import date


def wellbeing_alert_missed(*, today: date | None = None) -> list:
    """Alert supervisors of peers who missed the program's number of check-ins in a row
    (once per run of misses). Called by `manage.py supervision_reminders`."""
    return []
