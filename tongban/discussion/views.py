"""Pages of the online group. Thin: look the record up through the scope (404 outside it),
call one service, render."""

from __future__ import annotations

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tongban.core import permissions, scope
from tongban.core.forms_util import apply_validation_error

from . import selectors, services
from .forms import EditForm, ModeratorForm, ReasonForm, ReplyForm, SearchForm, TopicForm
from .models import Message, ModerationEntry, ReadMark, Space, Topic

# A space of a big community: the reply box lists this many people to mention.
MEMBERS_LISTED = 200


def _space(user, pk: int) -> Space:
    return get_object_or_404(
        scope.discussion_spaces(user).select_related("program", "community"), pk=pk
    )


def _topic(user, pk: int) -> Topic:
    return get_object_or_404(
        scope.discussion_topics(user).select_related("space__program", "space__community"),
        pk=pk,
    )


def _message(user, pk: int) -> Message:
    return get_object_or_404(scope.discussion_messages(user).select_related("topic__space"), pk=pk)


def _id(text: str | None) -> int | None:
    """An id from the query string: ASCII digits only ("²" and "٣" are digits to
    str.isdigit, not to int), short enough for the database."""
    if text and text.isascii() and text.isdigit() and len(text) < 18:
        return int(text)
    return None


def _in_group(user) -> None:
    if not scope.discussion_spaces(user).exists():
        raise PermissionDenied


def _only(request: HttpRequest, *methods: str) -> HttpResponseNotAllowed | None:
    """The method check after the record's lookup: a record outside the scope is a 404
    whatever the method (the URL walk's rule)."""
    if request.method not in methods:
        return HttpResponseNotAllowed(methods)
    return None


def _spaces_with_unread(user) -> list[Space]:
    """The user's spaces with their unread counts (two queries whatever their number)."""
    spaces = list(selectors.spaces(user))
    unread = selectors.unread_by_space(user)
    for space in spaces:
        space.unread = unread.get(space.pk, 0)
    return spaces


@require_GET
def space_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _in_group(user)
    return render(
        request,
        "discussion/space_list.html",
        {
            "spaces": _spaces_with_unread(user),
            # Named moderators read the log of their spaces too.
            "may_read_log": selectors.moderated_spaces(user).exists(),
        },
    )


def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    space = _space(user, pk)
    if refused := _only(request, "GET"):
        return refused
    before = _id(request.GET.get("before"))
    waiting, topics, following = selectors.topics_page(user, space, before=before)
    return render(
        request,
        "discussion/space_detail.html",
        {
            "space": space,
            "waiting": waiting,
            "topics": topics,
            "following": following,
            "paged": before is not None,
            "now": timezone.now(),
            # Desktop: the spaces beside the topics.
            "spaces": _spaces_with_unread(user),
            "may_moderate": permissions.can_moderate_space(user, space),
            "may_name": permissions.can_name_moderators(user),
        },
    )


def _privacy_context(error: services.PrivacyWarning) -> dict:
    return {"findings": error.findings}


def topic_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    space = _space(user, pk)
    if refused := _only(request, "GET", "POST"):
        return refused
    form = TopicForm(request.POST if request.method == "POST" else None, user=user, space=space)
    context: dict = {"space": space, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = services.topic_start(
                space=space,
                by=user,
                title=data["title"],
                text=data["text"],
                is_question=data["is_question"],
                session=data["session"],
                supervision_request=data["supervision_request"],
                post_anyway=data["post_anyway"],
            )
        except services.PrivacyWarning as warning:
            context.update(_privacy_context(warning))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("discussion:topic_detail", topic.pk)
    return render(request, "discussion/topic_form.html", context)


def _topic_context(user, topic: Topic, *, before: int | None = None) -> dict:
    # "chat", not "messages": the base template shows Django's messages under that name.
    chat, more = selectors.messages_page(user, topic, before=before)
    may_moderate = permissions.can_moderate_space(user, topic.space)
    if may_moderate:
        selectors.attach_versions(chat)
    return {
        "topic": topic,
        "space": topic.space,
        "chat": chat,
        "more": more,
        "last_id": chat[-1].pk if chat else 0,
        "may_moderate": may_moderate,
        "muted": ReadMark.objects.filter(user=user, topic=topic, muted=True).exists(),
        "may_mark_answered": topic.is_question
        and topic.answered_at is None
        and (not user.is_peer or topic.started_by_id == user.pk),
        "newest_shown": before is None,
        # Who can be mentioned (one query; the reply box lists them).
        "members": scope.discussion_members(topic.space)
        .exclude(pk=user.pk)
        .select_related("person")
        .order_by("username")[:MEMBERS_LISTED],
    }


def _render_topic(request: HttpRequest, context: dict) -> HttpResponse:
    """The topic page, with the desktop's sidebar (the spaces and this space's topics)
    counted after the page marked what it shows as read."""
    user, topic = request.user, context["topic"]
    context["spaces"] = _spaces_with_unread(user)
    context["side_topics"] = selectors.sidebar_topics(user, topic.space)
    return render(request, "discussion/topic_detail.html", context)


def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    topic = _topic(user, pk)
    if refused := _only(request, "GET"):
        return refused
    before_id = _id(request.GET.get("before"))
    context = _topic_context(user, topic, before=before_id)
    quote_id = _id(request.GET.get("quote"))
    quoting = None
    if quote_id is not None:
        quoting = (
            scope.discussion_messages(user)
            .filter(topic=topic, pk=quote_id, withdrawn_at__isnull=True, hidden_at__isnull=True)
            .select_related("author__person")
            .first()
        )
    context["quoting"] = quoting
    context["form"] = ReplyForm(
        initial={"quote": quoting.pk if quoting else None}, user=user, space=topic.space
    )
    if before_id is None and context["last_id"]:
        # Reading the newest page marks the topic read (the user's own state, not a record).
        services.topic_mark_read(topic=topic, by=user, upto=context["last_id"])
    return _render_topic(request, context)


def topic_new_messages(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the topic page every few seconds (HTMX): the messages after `after`."""
    user = request.user
    topic = _topic(user, pk)
    if refused := _only(request, "GET"):
        return refused
    after_id = _id(request.GET.get("after")) or 0
    chat = selectors.messages_after(user, topic, after_id)
    may_moderate = permissions.can_moderate_space(user, topic.space)
    if may_moderate:
        selectors.attach_versions(chat)
    if chat:
        services.topic_mark_read(topic=topic, by=user, upto=chat[-1].pk)
    return render(
        request,
        "discussion/_new_messages.html",
        {
            "topic": topic,
            "chat": chat,
            "last_id": chat[-1].pk if chat else after_id,
            "may_moderate": may_moderate,
        },
    )


def topic_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    topic = _topic(user, pk)
    if refused := _only(request, "POST"):
        return refused
    form = ReplyForm(request.POST, user=user, space=topic.space)
    context = _topic_context(user, topic)
    context["form"] = form
    if form.is_valid():
        data = form.cleaned_data
        quote = None
        if data.get("quote"):
            quote = scope.discussion_messages(user).filter(pk=data["quote"]).first()
        try:
            message = services.message_post(
                topic=topic, by=user, text=data["text"], quote=quote,
                session=data["session"], supervision_request=data["supervision_request"],
                post_anyway=data["post_anyway"],
            )  # fmt: skip
        except services.PrivacyWarning as warning:
            context.update(_privacy_context(warning))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(f"/group/topics/{topic.pk}/#message-{message.pk}")
    return _render_topic(request, context)


def topic_answered(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    topic = _topic(user, pk)
    if refused := _only(request, "POST"):
        return refused
    with contextlib.suppress(ValidationError):  # not a question: nothing to mark
        services.topic_mark_answered(topic=topic, by=user)
    return redirect("discussion:topic_detail", topic.pk)


def message_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    message = _message(user, pk)
    if refused := _only(request, "POST"):
        return refused
    with contextlib.suppress(ValidationError):  # withdrawn or hidden already
        services.message_withdraw(message=message, by=user)
    return redirect(f"/group/topics/{message.topic_id}/#message-{message.pk}")


def message_hide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    message = _message(user, pk)
    if refused := _only(request, "GET", "POST"):
        return refused
    if not permissions.can_moderate_space(user, message.topic.space):
        raise PermissionDenied
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if message.hidden_at is None:
                services.message_hide(message=message, by=user, reason=form.cleaned_data["reason"])
            else:
                services.message_show(message=message, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(f"/group/topics/{message.topic_id}/#message-{message.pk}")
    return render(request, "discussion/message_hide.html", {"message": message, "form": form})


@require_GET
def moderation_log(request: HttpRequest) -> HttpResponse:
    """Every moderation of the spaces the user moderates: who, when, what, why."""
    user = request.user
    spaces = selectors.moderated_spaces(user)
    if not spaces.exists():
        raise PermissionDenied
    entries = (
        ModerationEntry.objects.filter(space__in=spaces)
        .select_related(
            "space__program", "space__community", "moderator__person", "subject__person", "message"
        )
        .order_by("-at", "-pk")[:200]
    )
    return render(request, "discussion/moderation_log.html", {"entries": entries})


def message_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author corrects a message; moderators still see every version."""
    user = request.user
    message = _message(user, pk)
    if refused := _only(request, "GET", "POST"):
        return refused
    if message.author_id != user.pk or not message.is_visible:
        raise PermissionDenied
    form = EditForm(
        request.POST if request.method == "POST" else None, initial={"text": message.text}
    )
    context: dict = {"message": message, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(
                message=message, by=user, text=form.cleaned_data["text"],
                post_anyway=form.cleaned_data["post_anyway"],
            )  # fmt: skip
        except services.PrivacyWarning as warning:
            context.update(_privacy_context(warning))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(f"/group/topics/{message.topic_id}/#message-{message.pk}")
    return render(request, "discussion/message_edit.html", context)


def topic_mute(request: HttpRequest, pk: int) -> HttpResponse:
    """Mute a topic (its messages no longer count as unread), or unmute it."""
    user = request.user
    topic = _topic(user, pk)
    if refused := _only(request, "POST"):
        return refused
    services.topic_mute(topic=topic, by=user, muted=request.POST.get("muted") == "on")
    return redirect("discussion:topic_detail", topic.pk)


def space_moderators(request: HttpRequest, pk: int) -> HttpResponse:
    """The psychiatrist and the project manager name (or remove) a space's moderators."""
    user = request.user
    space = _space(user, pk)
    if refused := _only(request, "GET", "POST"):
        return refused
    if not permissions.can_name_moderators(user):
        raise PermissionDenied
    post = request.POST if request.method == "POST" else None
    removing = post is not None and post.get("action") == "remove"
    form = ModeratorForm(None if removing else post, space=space)
    if post is not None:
        moderator = None
        if removing:
            moderator = space.moderators.filter(pk=_id(post.get("user"))).first()
        elif form.is_valid():
            moderator = form.cleaned_data["user"]
        if moderator is not None:
            action = services.space_moderator_remove if removing else services.space_moderator_name
            try:
                action(space=space, by=user, user=moderator, reason=post.get("reason", ""))
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect("discussion:space_moderators", space.pk)
        elif removing:
            # A stale page: the person was removed meanwhile.
            return redirect("discussion:space_moderators", space.pk)
    return render(
        request,
        "discussion/space_moderators.html",
        {
            "space": space,
            "form": form,
            "moderators": space.moderators.select_related("person").order_by("username"),
        },
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search what the user may read: the scope decides, as everywhere."""
    user = request.user
    _in_group(user)
    form = SearchForm(request.GET if "q" in request.GET else None)
    results: list[Message] = []
    following = None
    if form.is_valid():
        results, following = selectors.search(
            user, form.cleaned_data["q"], before=_id(request.GET.get("before"))
        )
    return render(
        request,
        "discussion/search.html",
        {"form": form, "results": results, "following": following},
    )
