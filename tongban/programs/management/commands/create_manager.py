"""`manage.py create_manager`: the first project-manager account, on an empty database.

Interactive by default (asks username, name, e-mail and the password twice). For
scripts: `--username --name --email` with the password from an environment variable
(`--password-from-env VAR`) or the first line of stdin (`--password-stdin`); a password
is never taken from the command line, where `ps` and the shell history would show it.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from tongban.accounts import services as account_services
from tongban.accounts.models import Role, User
from tongban.registry.models import Program


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


class Command(BaseCommand):
    help = (
        "Create a project-manager account (works on an empty database). Interactive, or "
        "for scripts: --username --name --email with --password-from-env VAR or "
        "--password-stdin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", help="The sign-in name (unique, case ignored).")
        parser.add_argument("--name", help="The manager's full name, as pages show it.")
        parser.add_argument("--email", default=None, help="E-mail address (optional).")
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable.",
        )
        source.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )
        parser.add_argument(
            "--program",
            metavar="SLUG",
            help="Make the manager a member of this existing program (optional: a new "
            "manager can create their program after signing in).",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never prompt: fail when something is missing.",
        )

    def handle(self, *args, **options):
        scripted = bool(options["password_from_env"] or options["password_stdin"])
        interactive = options["interactive"] and not scripted
        program = self._program(options.get("program"))

        username = self._username(options.get("username"), interactive)
        name = self._name(options.get("name"), interactive)
        email = self._email(options.get("email"), interactive)
        if scripted:
            password = self._scripted_password(options)
            self._check_password(password, username, name, email)
        elif interactive:
            password = self._ask_password(username, name, email)
        else:
            raise CommandError(
                _("Give the password with --password-from-env VAR or --password-stdin.")
            )
        try:
            user = account_services.account_create_staff(
                username=username,
                full_name=name,
                email=email,
                role=Role.PROJECT_MANAGER,
                communities=[],
                password=password,
            )
        except ValidationError as error:  # another account took the name meanwhile
            raise CommandError(_messages(error)) from error
        if program is not None:
            user.programs.add(program)
        self.stdout.write(
            self.style.SUCCESS(
                _("Project manager %(username)s created. Sign in and set up the program.")
                % {"username": user.username}
            )
        )

    # Each value: from the option (checked, an error ends the command) or asked for
    # (asked again until valid).

    def _program(self, slug: str | None) -> Program | None:
        if not slug:
            return None
        program = Program.objects.filter(slug__iexact=slug).first()
        if program is None:
            raise CommandError(_("No program has the short name %(slug)s.") % {"slug": slug})
        return program

    def _ask(self, prompt: str) -> str:
        try:
            return input(prompt).strip()
        except EOFError as error:
            raise CommandError(_("Input ended before the account was complete.")) from error

    def _username_error(self, username: str) -> str:
        if not username:
            return _("Enter a username.")
        if len(username) > 150:
            return _("The username is too long (150 characters at most).")
        try:
            User.username_validator(username)
        except ValidationError as error:
            return _messages(error)
        if User.objects.filter(username__iexact=username).exists():
            return _("The username %(username)s is taken (case is ignored): choose another.") % {
                "username": username
            }
        return ""

    def _username(self, given: str | None, interactive: bool) -> str:
        if given is not None or not interactive:
            username = (given or "").strip()
            error = self._username_error(username)
            if error:
                raise CommandError(error)
            return username
        while True:
            username = self._ask(_("Username: "))
            error = self._username_error(username)
            if not error:
                return username
            self.stderr.write(error)

    def _name(self, given: str | None, interactive: bool) -> str:
        if given is not None or not interactive:
            name = (given or "").strip()
            if not name:
                raise CommandError(_("Give the manager's name with --name."))
            return name[:150]
        while True:
            name = self._ask(_("Full name: "))
            if name:
                return name[:150]
            self.stderr.write(_("Enter the manager's name."))

    def _email_error(self, email: str) -> str:
        if not email:
            return ""
        try:
            validate_email(email)
        except ValidationError as error:
            return _messages(error)
        return ""

    def _email(self, given: str | None, interactive: bool) -> str:
        if given is not None or not interactive:
            email = (given or "").strip()
            error = self._email_error(email)
            if error:
                raise CommandError(error)
            return email
        while True:
            email = self._ask(_("E-mail (optional): "))
            error = self._email_error(email)
            if not error:
                return email
            self.stderr.write(error)

    def _password_error(self, password: str, username: str, name: str, email: str) -> str:
        if not password:
            return _("Enter a password.")
        try:
            password_validation.validate_password(
                password, User(username=username, first_name=name, email=email)
            )
        except ValidationError as error:
            return _messages(error)
        return ""

    def _check_password(self, password: str, username: str, name: str, email: str) -> None:
        error = self._password_error(password, username, name, email)
        if error:
            raise CommandError(error)

    def _scripted_password(self, options) -> str:
        variable = options["password_from_env"]
        if variable:
            if variable not in os.environ:
                raise CommandError(
                    _("The environment variable %(name)s is not set.") % {"name": variable}
                )
            return os.environ[variable]
        return sys.stdin.readline().rstrip("\r\n")

    def _ask_password(self, username: str, name: str, email: str) -> str:
        while True:
            try:
                first = getpass.getpass(_("Password: "))
                second = getpass.getpass(_("Password again: "))
            except EOFError as error:
                raise CommandError(_("Input ended before the account was complete.")) from error
            if first != second:
                self.stderr.write(_("The two passwords differ."))
                continue
            error = self._password_error(first, username, name, email)
            if not error:
                return first
            self.stderr.write(error)
