"""E-mail digests of the online group: mentions and waiting questions, space names and
counts only, once per thing that is new."""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.discussion import services
from tongban.discussion.digests import discussion_digests_send
from tongban.discussion.models import DigestMark, Space

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SITE = "https://tongban.example.org"
TITLE = "小王的情况"
TEXT = "小王昨晚又没睡觉"


@pytest.fixture
def spaces(program, community_a, community_b, users):
    return {
        "program": Space.objects.get(program=program, community=None),
        "a": community_a.space,
        "b": community_b.space,
    }


@pytest.fixture
def mailed(users):
    """Everyone has an e-mail address, and reads English (so what the tests look for does
    not change when the Chinese catalogue gains the digest's texts)."""
    for user in users.values():
        user.email = f"{user.username}@example.org"
        user.language = "en"
        user.save()
    return users


@pytest.fixture
def digest(settings, mailoutbox, django_capture_on_commit_callbacks):
    """Run the digests at `now` (after T0); the e-mails this run sent."""
    settings.NOTIFY_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = SITE
    settings.PROGRAM_EMAIL_PREFIX = "同伴"

    def run(now=T0 + timedelta(hours=1)):
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            discussion_digests_send(now=now)
        return mailoutbox[before:]

    return run


def at(when, action, *args, **kwargs):
    with time_machine.travel(when, tick=False):
        return action(*args, **kwargs)


def start(space, by, text=TEXT, *, when=T0, **kwargs):
    return at(when, services.topic_start, space=space, by=by, title=TITLE, text=text, **kwargs)


def reply(topic, by, text, *, when=T0):
    return at(when, services.message_post, topic=topic, by=by, text=text)


def to(mails):
    return sorted(address for mail in mails for address in mail.to)


def test_a_mention_digest_names_the_space_and_the_count_never_the_text(mailed, spaces, digest):
    topic = start(spaces["a"], mailed["peer"], f"@doctor {TEXT}")
    reply(topic, mailed["psychologist"], "@doctor 我也想听听你的意见")
    [mail] = digest()
    assert mail.to == ["doctor@example.org"]
    assert mail.subject.startswith("[同伴] ")
    assert "Alpha: 2 mentions" in mail.body
    assert f"{SITE}/group/spaces/{spaces['a'].pk}/" in mail.body
    # Nothing written, and nobody named, leaves the system.
    everything = mail.subject + mail.body
    for private in (TITLE, TEXT, "小王", "意见", "甲同伴", "psychologist", "peer"):
        assert private not in everything


def test_a_mention_read_in_the_group_or_withdrawn_is_not_news(mailed, spaces, digest):
    topic = start(spaces["a"], mailed["peer"], "@doctor 第一条")
    read = topic.last_message_id
    withdrawn = reply(topic, mailed["peer"], "@doctor 第二条")
    services.message_withdraw(message=withdrawn, by=mailed["peer"])
    services.topic_mark_read(topic=topic, by=mailed["doctor"], upto=read)
    assert digest() == []
    reply(topic, mailed["peer"], "@doctor 第三条")
    [mail] = digest()
    assert "Alpha: 1 mention\n" in mail.body


def test_a_waiting_question_reaches_the_professionals_of_the_space_not_peers(
    mailed, spaces, community_a, community_b, digest
):
    other_peer = make_user(
        "peer2", Role.PEER, person=make_person("甲同伴二", community=community_a, role="peer")
    )
    other_peer.email = "peer2@example.org"
    other_peer.save()
    b_doctor = make_user("b.doctor", Role.COMMUNITY_DOCTOR, [community_b])
    b_doctor.email = "b.doctor@example.org"
    b_doctor.save()
    start(spaces["a"], mailed["peer"], is_question=True)

    mails = digest(T0 + timedelta(hours=5, minutes=10))
    # Not the asker, not another peer, not research (not in the group), not community B.
    assert to(mails) == [
        "doctor@example.org",
        "manager@example.org",
        "psychiatrist@example.org",
        "psychologist@example.org",
        "socialworker@example.org",
    ]
    body = mails[0].body
    assert "Alpha: 1 question, waiting for 5\xa0hours" in body
    assert f"{SITE}/group/spaces/{spaces['a'].pk}/" in body
    assert TITLE not in body and TEXT not in body


def test_nothing_new_sends_nothing_and_a_waiting_question_is_repeated_daily(mailed, spaces, digest):
    topic = start(spaces["a"], mailed["peer"], is_question=True)
    assert "doctor@example.org" in to(digest(T0 + timedelta(hours=1)))
    assert digest(T0 + timedelta(hours=2)) == []
    assert digest(T0 + timedelta(hours=20)) == []
    # A new mention goes at once (to the one mentioned).
    reply(topic, mailed["peer"], "@doctor 请看看", when=T0 + timedelta(hours=21))
    assert to(digest(T0 + timedelta(hours=22))) == ["doctor@example.org"]
    # The question still waiting, a day after each one's last digest: told once more.
    repeated = to(digest(T0 + timedelta(days=1, hours=2)))
    assert "socialworker@example.org" in repeated and "doctor@example.org" not in repeated
    assert to(digest(T0 + timedelta(days=1, hours=22))) == ["doctor@example.org"]
    assert digest(T0 + timedelta(days=1, hours=23)) == []
    # A new question, and a reminder to the doctor, are news.
    start(spaces["a"], mailed["peer"], is_question=True, when=T0 + timedelta(days=2))
    assert "doctor@example.org" in to(digest(T0 + timedelta(days=2, hours=1)))
    services.discussion_questions_remind(now=T0 + timedelta(days=2, hours=5))
    assert "doctor@example.org" in to(digest(T0 + timedelta(days=2, hours=6)))
    # Answered: nothing more, even a day later.
    for question in spaces["a"].topics.all():
        services.topic_mark_answered(topic=question, by=mailed["doctor"])
    assert digest(T0 + timedelta(days=4)) == []


def test_nothing_is_sent_when_email_is_off(mailed, spaces, digest, settings, mailoutbox):
    start(spaces["a"], mailed["peer"], f"@doctor {TEXT}", is_question=True)
    settings.NOTIFY_BY_EMAIL = False
    assert discussion_digests_send(now=T0 + timedelta(hours=1)) == 0
    assert mailoutbox == [] and not DigestMark.objects.exists()


def test_no_digest_without_an_address_or_for_an_inactive_account(mailed, spaces, digest):
    mailed["doctor"].email = ""
    mailed["doctor"].save()
    mailed["psychologist"].is_active = False
    mailed["psychologist"].save()
    start(spaces["a"], mailed["peer"], "@doctor @psychologist 你们好", is_question=True)
    assert to(digest()) == [
        "manager@example.org",
        "psychiatrist@example.org",
        "socialworker@example.org",
    ]
    assert not DigestMark.objects.filter(user=mailed["doctor"]).exists()


def test_a_user_who_left_the_space_hears_nothing_of_it(
    mailed, spaces, community_a, community_b, digest
):
    start(spaces["a"], mailed["peer"], "@doctor 请看看", is_question=True)
    # Still in the program's space and in B's, no longer in A's.
    mailed["doctor"].communities.set([community_b])
    assert "doctor@example.org" not in to(digest())
    start(spaces["b"], mailed["manager"], "@doctor 乙社区的问题", is_question=True)
    [mail] = [mail for mail in digest(T0 + timedelta(hours=2)) if mail.to == ["doctor@example.org"]]
    assert "Beta: 1 mention" in mail.body and "Alpha" not in mail.body


def test_a_mail_server_failure_leaves_the_mark_for_the_next_run(
    mailed, spaces, digest, monkeypatch, caplog
):
    topic = start(spaces["a"], mailed["peer"], "@doctor 一")
    first = T0 + timedelta(hours=1)
    assert to(digest(first)) == ["doctor@example.org"]
    reply(topic, mailed["peer"], "@doctor 二", when=T0 + timedelta(hours=2))

    def down(**kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("tongban.discussion.digests.send_mail", down)
    assert digest(T0 + timedelta(hours=3)) == []
    assert DigestMark.objects.get(user=mailed["doctor"]).sent_at == first
    assert "group digest" in caplog.text
    monkeypatch.undo()
    [mail] = digest(T0 + timedelta(hours=4))
    assert "Alpha: 1 mention\n" in mail.body


def test_a_first_digest_that_fails_leaves_no_mark(mailed, spaces, digest, monkeypatch):
    start(spaces["a"], mailed["peer"], "@doctor 一")

    def down(**kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("tongban.discussion.digests.send_mail", down)
    assert digest() == []
    assert not DigestMark.objects.exists()


def test_the_digest_is_in_the_readers_language(mailed, spaces, digest):
    mailed["psychologist"].language = "zh-hans"
    mailed["psychologist"].save()
    mailed["socialworker"].language = ""  # the site's language
    mailed["socialworker"].save()
    start(spaces["a"], mailed["peer"], is_question=True)
    mails = {mail.to[0]: mail.body for mail in digest(T0 + timedelta(hours=5))}
    english = mails["doctor@example.org"]
    assert "Alpha:" in english and "5\xa0hours" in english and "甲社区" not in english
    for chinese in (mails["psychologist@example.org"], mails["socialworker@example.org"]):
        assert "甲社区" in chinese and "5\xa0小时" in chinese and "Alpha" not in chinese


def test_queries_do_not_grow_with_mentions_or_questions(mailed, spaces, digest):
    def queries():
        DigestMark.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            mails = digest(T0 + timedelta(hours=1))
        return len(captured), len(mails)

    start(spaces["a"], mailed["peer"], "@doctor @psychologist 一", is_question=True)
    few = queries()
    for n in range(4):
        start(spaces["a"], mailed["peer"], f"@doctor @psychologist {n}", is_question=True)
        start(spaces["program"], mailed["peer"], f"@doctor {n}", is_question=True)
    assert queries() == few


@pytest.mark.django_db(transaction=True)
def test_the_command_sends_after_commit_and_says_how_many(mailed, spaces, settings, mailoutbox):
    settings.NOTIFY_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    start(spaces["a"], mailed["peer"], "@doctor 一")
    mailoutbox.clear()  # the mention's own notice, while it is still e-mailed one by one
    out = StringIO()
    call_command("group_digest", stdout=out)
    assert out.getvalue() == "sent 1 group digest(s)\n"
    assert to(mailoutbox) == ["doctor@example.org"]
    out = StringIO()
    call_command("group_digest", stdout=out)
    assert out.getvalue() == "" and len(mailoutbox) == 1
