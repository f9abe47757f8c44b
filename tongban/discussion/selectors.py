"""Reads of the online supervision group: counts in the database, pages by cursor."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from tongban.core import scope

from .models import Message, ReadMark, Topic

PAGE = 50
# What a message's template shows of its people.
_MESSAGE_RELATED = ("author__person", "quote__author__person", "hidden_by__person")


def _last_read(user) -> Subquery:
    marks = ReadMark.objects.filter(user=user, topic=OuterRef("topic_id")).values("last_read_id")
    return Coalesce(Subquery(marks[:1]), 0, output_field=IntegerField())


def _unread_messages(user) -> QuerySet[Message]:
    """Messages of readable, unmuted topics newer than the user's read mark, not their own,
    not withdrawn or hidden."""
    muted = ReadMark.objects.filter(user=user, topic=OuterRef("topic_id"), muted=True)
    return (
        scope.discussion_messages(user)
        .filter(withdrawn_at__isnull=True, hidden_at__isnull=True)
        .exclude(author=user)
        .annotate(last_read=_last_read(user))
        .filter(pk__gt=F("last_read"))
        .exclude(Exists(muted))
    )


def unread_by_space(user) -> dict[int, int]:
    """Space id -> unread messages: one query, whatever the number of topics."""
    return dict(
        _unread_messages(user)
        .values("topic__space_id")
        .annotate(n=Count("pk"))
        .values_list("topic__space_id", "n")
    )


def unread_total(user) -> int:
    return _unread_messages(user).count()


def unread_total_expression(user):
    """The same count as an expression, for the header's one query on every page."""
    counted = (
        _unread_messages(user)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1]), 0, output_field=IntegerField())


def spaces(user) -> QuerySet:
    """The user's spaces, the program's own first."""
    return (
        scope.discussion_spaces(user)
        .select_related("program", "community")
        .order_by(F("community").asc(nulls_first=True), "community__started_on", "pk")
    )


def topics(user, space) -> QuerySet[Topic]:
    """A space's topics with unread counts: questions waiting for an answer first, then
    the rest; newest activity first in each (`waiting_questions` lists the longest-waiting
    first)."""
    unread = (
        _unread_messages(user)
        .filter(topic=OuterRef("pk"))
        .values("topic")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        scope.discussion_topics(user)
        .filter(space=space)
        .select_related("started_by__person")
        .annotate(
            unread=Coalesce(Subquery(unread[:1]), 0, output_field=IntegerField()),
            waiting=ExpressionWrapper(
                Q(is_question=True, answered_at__isnull=True), output_field=BooleanField()
            ),
        )
        # Waiting questions first; within each group, the latest message first.
        .order_by(F("waiting").desc(), F("last_message_at").desc(), "-pk")
    )


def waiting_questions(user, space) -> QuerySet[Topic]:
    return (
        scope.discussion_topics(user)
        .filter(space=space, is_question=True, answered_at__isnull=True)
        .order_by("created_at", "pk")
    )


def messages_after(user, topic, after: int) -> list[Message]:
    """The messages after `after` (the topic page polls for them), oldest first."""
    return list(
        scope.discussion_messages(user)
        .filter(topic=topic, pk__gt=after)
        .select_related(*_MESSAGE_RELATED)
        .order_by("pk")[:PAGE]
    )


def messages_page(user, topic, *, before: int | None = None) -> tuple[list[Message], bool]:
    """The newest PAGE messages of a topic (older ones with `before`), oldest first for a
    chat-like page, and whether older ones remain. Constant queries at any size."""
    queryset = (
        scope.discussion_messages(user)
        .filter(topic=topic)
        .select_related(*_MESSAGE_RELATED)
        .order_by("-pk")
    )
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset[: PAGE + 1])
    more = len(rows) > PAGE
    return list(reversed(rows[:PAGE])), more
