"""`demo --if-empty` (what `make run` calls): never over another program; TONGBAN_DEMO=0
switches it off for a real program started from nothing."""

from io import StringIO

from django.core.management import call_command

from tongban.registry.models import Person, Program


def test_if_empty_leaves_another_program_alone(db, program):
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert Person.objects.count() == 0
    assert list(Program.objects.all()) == [program]
    assert "already holds a program" in out.getvalue()


def test_switched_off_if_empty_loads_nothing_and_says_how_to_start(db, monkeypatch):
    monkeypatch.setenv("TONGBAN_DEMO", "0")
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert not Program.objects.exists()
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert "TONGBAN_DEMO=0" in lines[0] and "manage.py create_manager" in lines[0]


def test_other_values_leave_the_demo_on(monkeypatch):
    from tongban.demo.management.commands.demo import switched_off

    for value, off in (("0", True), ("off", True), ("False", True), ("1", False), ("", False)):
        monkeypatch.setenv("TONGBAN_DEMO", value)
        assert switched_off() is off, value
    monkeypatch.delenv("TONGBAN_DEMO")
    assert switched_off() is False
