"""Walk every URL pattern of the project: no view may forget the login or the scoping layer.

A new view with a URL parameter must be given a foreign object, or this test fails:
that is the point. Registry and account objects are below; each other app lists its own
in `tests/<app>/foreign.py` (`objects(community_b, users)` and `SENTINELS`).
Each parameter gets an object of the *other* community, which a
user of community A must not reach (404), and no page may show that community's data.

The installation hosts a second program too (`tests/registry/other_program.py`): no
user of program A, the program-wide roles included, reaches or sees any of its records.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import make_person, make_user
from tests.registry import other_program
from tongban.accounts.models import Role
from tongban.registry import services
from tongban.registry.models import Venue

# URL names that anyone may open without signing in.
PUBLIC = {"login", "set_language", "logout"}
# Pages only the project manager may open: everyone else gets 403 or 404.
MANAGER_ONLY = re.compile(r"^accounts:")
# Pages without a URL parameter that read an object's id from the request: none sent, 404.
ID_FROM_REQUEST = {"programs:program_switch"}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


# Apps whose foreign objects live beside their tests.
FOREIGN_MODULES = [
    importlib.import_module(f"tests.{app}.foreign")
    for app in (
        "activities",
        "emergencies",
        "notifications",
        "submissions",
        "evaluation",
        "reports",
        "screening",
        "training",
        "supervision",
        "discussion",
    )
]


def fill(route: str, values: int | dict[str, object]) -> str:
    """`values` is the pk, or a dict of every URL parameter."""
    values = {"pk": values} if isinstance(values, int) else values

    def replace(match: re.Match) -> str:
        return str(values[match.group(2)])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", replace, route)


@pytest.fixture
def foreign(community_b, users):
    """Records of community B: a user of community A must see none of them."""
    consumer = make_person("外社区甲某", community=community_b, phone="13012345678")
    caregiver = make_person("外社区照料者", phone="13087654321")
    services.caregiver_link_create(caregiver=caregiver, cared_for=consumer, relationship="parent")
    account = make_user("foreign-doctor", Role.COMMUNITY_DOCTOR, [community_b])
    enrolment = consumer.enrolments.get()
    venue = Venue.objects.create(community=community_b, name="乙社区场地", kind=Venue.Kind.OTHER)
    objects = {
        "registry:person_detail": consumer.pk,
        "registry:person_edit": consumer.pk,
        "registry:enrolment_create": consumer.pk,
        "registry:caregiver_link_create": caregiver.pk,
        "registry:enrolment_status": enrolment.pk,
        "registry:enrolment_void": enrolment.pk,
        "registry:community_detail": community_b.pk,
        "accounts:account_detail": account.pk,
        "accounts:account_set_active": account.pk,
        "accounts:account_password": account.pk,
        # The setup pages are the manager's: everyone else gets 403.
        "programs:community_detail": community_b.pk,
        "programs:community_edit": community_b.pk,
        "programs:community_close": community_b.pk,
        "programs:community_delete": community_b.pk,
        "programs:venue_create": community_b.pk,
        "programs:venue_edit": venue.pk,
        "programs:venue_in_use": venue.pk,
    }
    for module in FOREIGN_MODULES:
        objects.update(module.objects(community_b, users))
    return objects


FOREIGN_DATA = [
    "外社区甲某",
    "外社区照料者",
    "13012345678",
    "13087654321",
    "乙社区",
    "foreign-doctor",
    *[text for module in FOREIGN_MODULES for text in module.SENTINELS],
]


def all_routes():
    return [(name, route) for name, route in walk(get_resolver()) if name != "None"]


def test_every_parametrised_url_has_a_foreign_object(foreign):
    missing = [name for name, route in all_routes() if "<" in route and name not in foreign]
    assert not missing, f"add these URL names to the `foreign` fixture: {missing}"


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_login(client, foreign, method):
    checked = 0
    for name, route in all_routes():
        if name in PUBLIC:
            continue
        url = fill(route, foreign.get(name, 1))
        response = getattr(client, method)(url)
        assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
        assert response["Location"].startswith("/login/"), f"{url} → {response['Location']}"
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("username", ["doctor", "psychologist", "socialworker", "research", "peer"])
def test_users_of_another_community_get_nothing(client, users, foreign, username):
    client.force_login(users[username])
    for name, route in all_routes():
        if name in PUBLIC:
            continue
        url = fill(route, foreign[name] if "<" in route else {})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if "<" in route or MANAGER_ONLY.match(name):
                assert response.status_code in (403, 404), (
                    f"{username} {method} {url} answered {response.status_code}"
                )
            elif name in ID_FROM_REQUEST:
                assert response.status_code in (404, 405), f"{method} {url}"
            else:
                assert response.status_code in (200, 302, 403, 405), f"{method} {url}"
            # A download (a zip) is not text: read it as far as it is.
            body = response.content.decode(errors="replace")
            leaked = [text for text in FOREIGN_DATA if text in body]
            assert not leaked, f"{username} {method} {url} shows {leaked}"


# Another program of the same installation ------------------------------------------------


@pytest.fixture
def program_b(program, users):
    """Program B and one object of it for every URL parameter (after program A's users)."""
    return other_program.build(program)


def test_every_parametrised_url_has_an_object_of_program_b(program_b):
    missing = [
        name for name, route in all_routes() if "<" in route and name not in program_b.objects
    ]
    assert not missing, f"add these URL names to tests/registry/other_program.py: {missing}"


# Every role of program A, the program-wide ones included.
ROLES_OF_A = [
    "manager",
    "psychiatrist",
    "doctor",
    "psychologist",
    "socialworker",
    "research",
    "peer",
]


@pytest.mark.parametrize("username", ROLES_OF_A)
def test_users_of_another_program_get_nothing(client, users, program_b, username):
    """Every object of program B answers 404 on GET and POST, and no page shows its data.

    The manager may do everything in their own program, so only 404 will do for them;
    a role refused a page whatever its object (403), or a method refused before any
    lookup (405: a POST-only page opened with GET), learns nothing either.
    """
    client.force_login(users[username])
    allowed = (404, 405) if username == "manager" else (403, 404, 405)
    checked = 0
    for name, route in all_routes():
        if name in PUBLIC:
            continue
        url = fill(route, program_b.objects[name] if "<" in route else {})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if "<" in route:
                assert response.status_code in allowed, (
                    f"{username} {method} {url} answered {response.status_code}"
                )
                checked += 1
            elif name in ID_FROM_REQUEST:
                assert response.status_code in (404, 405), f"{method} {url}"
            else:
                assert response.status_code in (200, 302, 403, 405), f"{method} {url}"
            # A download (a zip) is not text: read it as far as it is.
            body = response.content.decode(errors="replace")
            leaked = [text for text in program_b.sentinels if text in body]
            assert not leaked, f"{username} {method} {url} shows {leaked}"
    assert checked >= 40
    # Nothing of program B changed: its records still answer to its own manager.
    client.force_login(program_b.users["manager"])
    url = fill("people/<int:pk>/", program_b.objects["registry:person_detail"])
    assert client.get(url).status_code == 200


def test_program_wide_roles_reach_every_community(client, users, foreign):
    for username in ("manager", "psychiatrist"):
        client.force_login(users[username])
        url = fill("people/<int:pk>/", foreign["registry:person_detail"])
        assert client.get(url).status_code == 200


# Ids from the query string or a form -------------------------------------------------------
#
# "²" passes str.isdigit() but not int(); "٣" and "１" pass int() (as 3 and 1); twenty
# digits overflow the database's integer. None of them is an id a page links to: each must
# answer 4xx (or be refused by a form), never 500. Every parameter name any view reads is
# tried, in the query string and in the POST body.
ODD_IDS = ["²", "٣", "9" * 20]
# Names read by the views: found in the source and in the forms, then widened by watching
# which names each view actually looks up while it runs (see `watch_reads`).
SEED_NAMES = {"community", "session", "page", "upto", "person", "cycle", "version", "next"}
# Run last: these change the objects (or the user) that the other URLs need.
LAST = re.compile(r"void|close|active|accept|return|submit|password|read_all|acknowledge")


def form_field_names() -> set[str]:
    import django.forms

    names: set[str] = set()
    for app in ("accounts", "activities", "emergencies", "registry", "submissions"):
        module = importlib.import_module(f"tongban.{app}.forms")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, django.forms.BaseForm):
                names.update(value.base_fields)
    return names


def names_in_source() -> set[str]:
    from pathlib import Path

    names = set(SEED_NAMES) | form_field_names()
    root = Path(__file__).resolve().parents[1] / "tongban"
    pattern = re.compile(
        r"(?:GET|POST)(?:\.get|\.getlist|\.__contains__)?[\(\[]\s*[\"'](\w+)[\"']"
        r"|[\"'](\w+)[\"']\s+(?:not\s+)?in\s+request\.(?:GET|POST)"
    )
    for source in root.rglob("*.py"):
        for match in pattern.finditer(source.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names


@pytest.fixture
def watch_reads(monkeypatch):
    """The set of request-data keys looked up (get, [], getlist, in) since it was cleared."""
    from django.utils.datastructures import MultiValueDict

    read: set[str] = set()
    originals = {
        name: getattr(MultiValueDict, name)
        for name in ("__getitem__", "get", "getlist", "__contains__")
    }

    def recording(name):
        original = originals[name]

        def method(self, key, *args, **kwargs):
            if isinstance(key, str):
                read.add(key)
            return original(self, key, *args, **kwargs)

        return method

    for name in originals:
        monkeypatch.setattr(MultiValueDict, name, recording(name))
    return read


def _where(response) -> str:
    """file:line of the innermost project frame of the exception behind a 500."""
    import traceback

    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    frames = [f for f in traceback.extract_tb(exc_info[2]) if "/tongban/" in f.filename]
    frame = frames[-1] if frames else traceback.extract_tb(exc_info[2])[-1]
    return f"{frame.filename.split('/tongban/')[-1]}:{frame.lineno} {exc_info[1]!r}"


def _odd_id_urls(foreign) -> list[tuple[str, str]]:
    routes = [
        (name, fill(route, foreign[name] if "<" in route else {}))
        for name, route in all_routes()
        if name != "logout"
    ]
    return sorted(routes, key=lambda item: bool(LAST.search(item[0])))


# The walk below sends a few thousand requests: in parts, so that test workers share it.
ODD_DIGIT_PARTS = 4


@pytest.mark.parametrize("part", range(ODD_DIGIT_PARTS))
def test_odd_digits_in_ids_never_answer_500(client, users, foreign, watch_reads, part):
    """The manager reaches every object, so each view gets as far as reading its ids."""
    client.raise_request_exception = False
    client.force_login(users["manager"])
    seeds = names_in_source()
    # A form validates all its fields in one go; names a view reads itself may stop it
    # before the next one, so those are also sent one at a time.
    in_forms = form_field_names()
    failures: list[str] = []
    tried = 0

    def send(method: str, url: str, data: dict) -> set[str]:
        nonlocal tried
        watch_reads.clear()
        response = getattr(client, method)(url, data)
        tried += 1
        if response.status_code >= 500:
            shown = data if len(data) == 1 else f"every name = {next(iter(data.values()))!r}"
            failures.append(f"{method.upper()} {url} {shown} → {_where(response)}")
        return set(watch_reads)

    # Every part keeps the walk's order (LAST at the end of each), on its own database.
    for _name, url in _odd_id_urls(foreign)[part::ODD_DIGIT_PARTS]:
        for method in ("get", "post"):
            # Every known name at once, with each odd value; note what the view looked up.
            read: set[str] = set()
            for value in ODD_IDS:
                read |= send(method, url, dict.fromkeys(seeds, value))
            # Then each name the view looked up itself, alone: an earlier one can no
            # longer stop the view before it reaches this one.
            done = in_forms | {"csrfmiddlewaretoken"}
            while read - done:
                key = sorted(read - done)[0]
                done.add(key)
                read |= send(method, url, {key: "²"})
    assert tried > 200 // ODD_DIGIT_PARTS
    assert not failures, "odd digits answered 500:\n" + "\n".join(failures)


def test_odd_digits_never_answer_500_for_a_peer(client, users, foreign):
    """A peer's pages take other paths (their own community, their own sessions)."""
    client.raise_request_exception = False
    client.force_login(users["peer"])
    seeds = names_in_source()
    failures = []
    for name, route in all_routes():
        if name == "logout" or "<" in route:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(fill(route, {}), dict.fromkeys(seeds, "²"))
            if response.status_code >= 500:
                failures.append(f"{method.upper()} /{route} {_where(response)}")
    assert not failures, "odd digits answered 500:\n" + "\n".join(failures)
