"""The paper's eligibility criteria and consent documents: every program's first versions."""

from __future__ import annotations

from tongban.registry.models import Diagnosis, Enrolment

Role = Enrolment.Role

# MODEL.md, "Eligibility". PSP "more than 50": the least passing whole score is 51.
PAPER_CRITERIA: dict[str, dict] = {
    Role.PEER: {
        "diagnoses": [Diagnosis.SCHIZOPHRENIA.value, Diagnosis.BIPOLAR.value],
        "min_age": 18,
        "max_age": 60,
        "min_stable_months": 6,
        "require_adherence": True,
        "require_insight": True,
        "exclude_substance_abuse": True,
        "exclude_severe_medical_illness": True,
        "min_psp": 51,
        "preferred_qualities": "富有同情心，乐于助人；有较强的实际技能（如烹饪、绘画）者优先。",
        "preferred_qualities_en": (
            "Compassionate and willing to help others; strong practical skills "
            "(cooking, drawing) preferred."
        ),
    },
    Role.CONSUMER: {
        "diagnoses": [Diagnosis.SCHIZOPHRENIA.value, Diagnosis.BIPOLAR.value],
        "min_age": 18,
        "max_age": 60,
        "min_stable_months": 3,
        "require_adherence": False,
        "require_insight": False,
        "exclude_substance_abuse": True,
        "exclude_severe_medical_illness": True,
        "min_psp": None,
        "preferred_qualities": "",
        "preferred_qualities_en": "",
    },
}


# The paper's three documents, version 1 of every program's (the signed paper is the legal
# record; these are the texts printed for signing). Programs replace them with their own.
PAPER_DOCUMENTS: dict[str, dict[str, str]] = {
    "informed_consent": {
        "title": "知情同意书",
        "title_en": "Informed consent",
        "body": (
            "本人已了解社区同伴支持服务的目的、内容和方式：由经过培训、病情稳定的同伴在社区中带领"
            "小组活动，社区医生、心理治疗师和精神科医生给予督导。\n\n"
            "本人了解参加完全自愿，可以随时退出，退出不影响本人接受的任何治疗和服务。"
            "本人的个人信息将被保密，只用于服务和评估，发表时不会出现本人姓名。\n\n"
            "本人同意参加本项目。"
        ),
        "body_en": (
            "I understand the aims, content and methods of the community peer support service: "
            "trained peers in stable recovery lead group activities in the community, "
            "supervised by community doctors, clinical psychologists and psychiatrists.\n\n"
            "I understand that taking part is voluntary, that I may withdraw at any time, and "
            "that withdrawing does not affect any treatment or service I receive. My personal "
            "information is kept confidential, used only for the service and its evaluation, "
            "and my name will never be published.\n\nI agree to take part in this program."
        ),
    },
    "service_agreement": {
        "title": "服务与小组活动协议",
        "title_en": "Service and group activity agreement",
        "body": (
            "为了让每位参加者都感到安全和受尊重，本人同意遵守小组活动的规则：\n"
            "1. 对小组中听到的其他人的事情保密；\n"
            "2. 尊重他人，不打断、不评判；\n"
            "3. 按时参加，不能参加时提前告知同伴；\n"
            "4. 活动中感到不适时告诉同伴或社区医生。"
        ),
        "body_en": (
            "So that everyone feels safe and respected, I agree to the rules of the group "
            "activities:\n1. keep what I hear about others in the group confidential;\n"
            "2. respect others, without interrupting or judging;\n"
            "3. come on time, and tell the peers in advance when I cannot come;\n"
            "4. tell a peer or the community doctor when I feel unwell during an activity."
        ),
    },
    "caregiver_contact": {
        "title": "家属随访联系同意书",
        "title_en": "Caregiver's agreement to be contacted",
        "body": (
            "本人是参加社区同伴支持服务者的家属，同意研究人员为随访评估与本人联系，"
            "了解本人对服务的看法。本人可以随时拒绝回答或撤回同意。"
        ),
        "body_en": (
            "I am a family member of a person taking part in the community peer support "
            "service. I agree that the research team may contact me for the follow-up "
            "evaluation, to ask my views of the service. I may decline to answer or withdraw "
            "this agreement at any time."
        ),
    },
}
