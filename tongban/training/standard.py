"""The model's pre-service curriculum (MODEL.md, "Training"; the paper's "Peer training and
supervision"): six workshops over five half-days, in every installation as program None."""

from __future__ import annotations

from .models import TrainingFormat as F

# code, Chinese, English, contents (zh), contents (en), formats, minutes. Five half-days of
# three hours: 900 minutes over the six workshops.
STANDARD_WORKSHOPS = [
    (
        "concept",
        "同伴支持的概念与理论",
        "Concept and theory of peer support",
        "什么是同伴支持；同伴支持在精神康复中的作用；国内外经验。",
        "What peer support is; its place in recovery; experience in other countries.",
        [F.COURSEWORK, F.GROUP_SHARING, F.STORYTELLING],
        150,
    ),
    (
        "principles",
        "工作原则与要求（保密、界限、关系）",
        "Working principles: confidentiality, boundaries, relationships",
        "保密；同伴与服务对象之间的界限；与医生、家属的关系。",
        "Confidentiality; boundaries between peer and consumer; relations with doctors "
        "and families.",
        [F.COURSEWORK, F.GROUP_SHARING, F.ROLE_PLAY],
        150,
    ),
    (
        "group_activities",
        "设计和开展小组活动",
        "Designing and running group activities",
        "活动的八类内容；热身、主体活动、结束三个部分；带领与协助。",
        "The eight categories; warm-up, main activity and close; leading and assisting.",
        [F.COURSEWORK, F.ROLE_PLAY],
        180,
    ),
    (
        "listening",
        "有效的倾听与表达",
        "Effective listening and speaking",
        "倾听、回应、提问；在小组中表达。",
        "Listening, responding, asking; speaking to a group.",
        [F.GROUP_SHARING, F.ROLE_PLAY],
        150,
    ),
    (
        "emergencies",
        "处理紧急情况",
        "Handling emergencies",
        "识别不良事件和行为紧急情况；联系社区医生；填写紧急事件表。",
        "Recognising adverse events and behavioural emergencies; calling the community "
        "doctor; the Emergency Event Form.",
        [F.COURSEWORK, F.ROLE_PLAY],
        150,
    ),
    (
        "record_forms",
        "填写记录表",
        "Completing the record forms",
        "活动计划表、活动过程表、参与者名单；每六周交表。",
        "Activity Plan, Activity Process and Participant List forms; handing in every six weeks.",
        [F.COURSEWORK],
        120,
    ),
]


def ensure_standard_curriculum(**_kwargs) -> None:
    """Create the missing standard workshops; never changes one a program has edited."""
    from .models import Workshop

    for position, (code, name, name_en, contents, contents_en, formats, minutes) in enumerate(
        STANDARD_WORKSHOPS, start=1
    ):
        Workshop.objects.get_or_create(
            program=None,
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "contents": contents,
                "contents_en": contents_en,
                "formats": [str(value) for value in formats],
                "planned_minutes": minutes,
                "position": position,
            },
        )
