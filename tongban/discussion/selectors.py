"""Reads of the online supervision group: counts in the database, pages by cursor."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from tongban.accounts.models import User
from tongban.core import permissions, scope
from tongban.core.queries import count_of

from .models import Message, Topic

PAGE = 50
# What a message's template shows of its people.
_MESSAGE_RELATED = (
    "author__person",
    "quote__author__person",
    "hidden_by__person",
    "session__community",
    "supervision_request__community",
)
# The people a message mentions, with their names, in one query per page.
_MENTIONS = Prefetch("mentions", queryset=User.objects.select_related("person"))
TOPICS_PAGE = 50
SEARCH_PAGE = 30


def moderated_spaces(user) -> QuerySet:
    """The spaces whose moderation log the user reads: all of theirs for those who always
    moderate, else those that named them (one query, not one per space)."""
    if permissions.can_name_moderators(user):
        return spaces(user)
    return spaces(user).filter(moderators=user)


def _marked_topics(user) -> QuerySet[Topic]:
    """Readable topics with the user's read mark joined (one LEFT JOIN, not a subquery per
    message): `last_read` (0 when never opened) and `muted`."""
    return (
        scope.discussion_topics(user)
        .annotate(mark=FilteredRelation("read_marks", condition=Q(read_marks__user=user)))
        .annotate(
            last_read=Coalesce("mark__last_read_id", 0, output_field=IntegerField()),
            is_muted=Coalesce("mark__muted", False, output_field=BooleanField()),
        )
    )


def _unread_in_topic(user) -> Subquery:
    """Per topic row: its messages after the read mark, not the user's own, not withdrawn or
    hidden. A range on the (topic, id) index, so reading a topic's 5,000 old messages
    costs nothing."""
    return count_of(
        Message.objects.filter(
            topic=OuterRef("pk"), pk__gt=OuterRef("last_read"),
            withdrawn_at__isnull=True, hidden_at__isnull=True,
        ).exclude(author=user)
    )  # fmt: skip


def _unread_topics(user) -> QuerySet[Topic]:
    """Unmuted topics with something after the read mark (the topic's own last message id
    says so without reading its messages), with `unread` counted in each."""
    return (
        _marked_topics(user)
        .filter(is_muted=False, last_message_id__gt=F("last_read"))
        .annotate(unread=_unread_in_topic(user))
    )


def unread_by_space(user) -> dict[int, int]:
    """Space id -> unread messages: one query, whatever the number of topics."""
    rows = (
        _unread_topics(user)
        .order_by()
        .values("space_id")
        .annotate(n=Sum("unread"))
        .values_list("space_id", "n")
    )
    return {space: n for space, n in rows if n}


def unread_total(user) -> int:
    return _unread_topics(user).aggregate(n=Sum("unread"))["n"] or 0


def unread_total_expression(user):
    """The same count as an expression, for the header's one query on every page."""
    counted = (
        _unread_topics(user)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Sum("unread"))
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


def _topics(user, space) -> QuerySet[Topic]:
    return (
        _marked_topics(user)
        .filter(space=space)
        .select_related("started_by__person")
        .annotate(
            unread=Case(
                When(Q(is_muted=True) | Q(last_message_id__lte=F("last_read")), then=0),
                default=_unread_in_topic(user),
                output_field=IntegerField(),
            ),
            waiting=ExpressionWrapper(
                Q(is_question=True, answered_at__isnull=True), output_field=BooleanField()
            ),
        )
    )


def topics(user, space) -> QuerySet[Topic]:
    """A space's topics with unread counts: questions waiting for an answer first, then
    the rest; newest activity first in each."""
    return _topics(user, space).order_by(F("waiting").desc(), "-last_message_id", "-pk")


def topics_page(
    user, space, *, before: int | None = None
) -> tuple[list[Topic], list[Topic], int | None]:
    """The waiting questions (all, on the first page only) and the other topics newest
    activity first, TOPICS_PAGE at a time by cursor (`before`: a last message id, which
    grows with time), with the cursor of the next page (None on the last).

    Keyset, not OFFSET: the 40th page of a busy space costs what the first does."""
    waiting: list[Topic] = []
    if before is None:
        waiting = list(
            _topics(user, space).filter(is_question=True, answered_at__isnull=True)
            .order_by("-last_message_id", "-pk")[:TOPICS_PAGE]
        )  # fmt: skip
    rest = _topics(user, space).exclude(is_question=True, answered_at__isnull=True)
    if before is not None:
        rest = rest.filter(last_message_id__lt=before)
    rows = list(rest.order_by("-last_message_id", "-pk")[: TOPICS_PAGE + 1])
    following = rows[TOPICS_PAGE - 1].last_message_id if len(rows) > TOPICS_PAGE else None
    return waiting, rows[:TOPICS_PAGE], following


def search(user, text: str, *, before: int | None = None) -> tuple[list[Message], int | None]:
    """Messages the user may read whose text or topic title holds `text`, newest first,
    SEARCH_PAGE at a time by cursor. Withdrawn and hidden messages are not found: they are
    gone for readers (moderators see them on the topic page)."""
    queryset = (
        scope.discussion_messages(user)
        .filter(withdrawn_at__isnull=True, hidden_at__isnull=True)
        .filter(Q(text__icontains=text) | Q(topic__title__icontains=text))
        .select_related("author__person", "topic__space__community", "topic__space__program")
        .order_by("-pk")
    )
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset[: SEARCH_PAGE + 1])
    following = rows[SEARCH_PAGE - 1].pk if len(rows) > SEARCH_PAGE else None
    return rows[:SEARCH_PAGE], following


def sidebar_topics(user, space) -> list[Topic]:
    """The topics beside a topic page on a desktop: the newest few of its space."""
    return list(topics(user, space)[:30])


def messages_after(user, topic, after: int) -> list[Message]:
    """The messages after `after` (the topic page polls for them), oldest first."""
    return list(
        # The caller looked the topic up through the scope: filtering its messages by the
        # scope again makes PostgreSQL misjudge the rows and skip the (topic, -id) index.
        Message.objects.filter(topic=topic, pk__gt=after)
        .select_related(*_MESSAGE_RELATED)
        .prefetch_related(_MENTIONS)
        .order_by("pk")[:PAGE]
    )


def messages_page(user, topic, *, before: int | None = None) -> tuple[list[Message], bool]:
    """The newest PAGE messages of a topic (older ones with `before`), oldest first for a
    chat-like page, and whether older ones remain. Constant queries at any size."""
    queryset = (
        Message.objects.filter(topic=topic)  # scoped by the caller, as above
        .select_related(*_MESSAGE_RELATED)
        .prefetch_related(_MENTIONS)
        .order_by("-pk")
    )
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset[: PAGE + 1])
    more = len(rows) > PAGE
    return list(reversed(rows[:PAGE])), more


def attach_versions(messages: list[Message]) -> None:
    """For moderators: each edited message's earlier texts (`versions`, oldest first, with
    when they were replaced), from the audit history in one query for the page."""
    edited = [m for m in messages if m.edited_at is not None]
    for message in messages:
        message.versions = []
    if not edited:
        return
    by_id = {m.pk: m for m in edited}
    rows = (
        Message.history.filter(id__in=by_id)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "text", "history_date")
    )
    previous: dict[int, str] = {}
    for message_id, text, at in rows:
        if previous.get(message_id) not in (None, text):
            by_id[message_id].versions.append({"text": previous[message_id], "until": at})
        previous[message_id] = text
