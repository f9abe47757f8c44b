"""The paper's eight yes/no questions, loaded in every installation with stable codes."""

from __future__ import annotations

# (code, respondent, domain, Chinese wording, English wording), in the paper's order.
STANDARD_QUESTIONS = (
    (
        "consumer_satisfied_with_peers",
        "consumer",
        "satisfaction",
        "您对同伴满意吗？",
        "Are you satisfied with the peers?",
    ),
    (
        "consumer_wants_to_continue",
        "consumer",
        "satisfaction",
        "您愿意继续参加同伴支持服务吗？",
        "Do you want to continue participating in the peer support service?",
    ),
    (
        "consumer_better_social_skills",
        "consumer",
        "benefit",
        "参加服务后，您的社交沟通能力有提高吗？",
        "Has taking part improved your social communication skills?",
    ),
    (
        "peer_better_working_skills",
        "peer",
        "benefit",
        "提供服务后，您的工作能力有提高吗？",
        "Has providing the service improved your working skills?",
    ),
    (
        "peer_better_social_skills",
        "peer",
        "benefit",
        "提供服务后，您的社交沟通能力有提高吗？",
        "Has providing the service improved your social communication skills?",
    ),
    (
        "caregiver_wants_continuation",
        "caregiver",
        "satisfaction",
        "您希望患者继续组织（同伴）或参加（服务对象）同伴支持服务吗？",
        "Do you want the patient to continue organising (a peer) or participating "
        "(a consumer) in the service?",
    ),
    (
        "caregiver_saw_better_social_skills",
        "caregiver",
        "benefit",
        "您观察到患者的社交沟通能力有提高吗？",
        "Have you seen the patient's social communication skills improve?",
    ),
    (
        "caregiver_own_mood_better",
        "caregiver",
        "benefit",
        "同伴支持服务改善了您自己的心情吗？",
        "Has the peer support service improved your own mood?",
    ),
)


def ensure_standard_questions(**_kwargs) -> None:
    """Create the missing standard questions; never changes one a program has edited."""
    from .models import Question

    for position, (code, respondent, domain, wording, wording_en) in enumerate(
        STANDARD_QUESTIONS, start=1
    ):
        Question.objects.get_or_create(
            program=None,
            code=code,
            defaults={
                "respondent": respondent,
                "domain": domain,
                "wording": wording,
                "wording_en": wording_en,
                "position": position,
            },
        )
