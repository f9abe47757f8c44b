"""Objects of community B for the URL-walking access test (tests/test_access_walk.py);
also used for program B (tests/registry/other_program.py)."""

from __future__ import annotations

from tongban.discussion import services

SENTINELS: list[str] = ["乙社区群话题哨兵", "乙社区群消息哨兵"]


def objects(community_b, users, **_kwargs) -> dict[str, int]:
    space = community_b.space
    topic = services.topic_start(
        space=space, by=users["manager"], title="乙社区群话题哨兵", text="乙社区群消息哨兵",
        is_question=True,
    )  # fmt: skip
    message = topic.messages.get()
    return {
        "discussion:space_detail": space.pk,
        "discussion:topic_create": space.pk,
        "discussion:space_moderators": space.pk,
        "discussion:topic_detail": topic.pk,
        "discussion:topic_new_messages": topic.pk,
        "discussion:topic_reply": topic.pk,
        "discussion:topic_answered": topic.pk,
        "discussion:topic_mute": topic.pk,
        "discussion:message_edit": message.pk,
        "discussion:message_withdraw": message.pk,
        "discussion:message_hide": message.pk,
    }
