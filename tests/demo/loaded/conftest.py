"""The demo, loaded once for every module of this package (loading it takes a good part of
a minute): inside one transaction, rolled back when the package is done, with the clock
at MOMENT. Each test runs in its own savepoint (pytest-django's `db`), so what a test
changes is undone before the next.

The package's tests run on one test worker, one after the other (`xdist_group`, with
`--dist loadgroup` in the Makefile): otherwise each worker would load the demo again.
"""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

MOMENT = datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).parent == HERE:
            item.add_marker(pytest.mark.xdist_group("demo-loaded"))


@pytest.fixture(scope="package")
def demo_output(django_db_setup, django_db_blocker) -> str:
    """What `manage.py demo` printed; the demo is in the database meanwhile."""
    out = StringIO()
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        time_machine.travel(MOMENT, tick=False),
    ):
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
