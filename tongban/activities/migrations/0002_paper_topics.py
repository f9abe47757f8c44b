"""The topic library every program starts with: the paper's examples, in both languages."""

from django.db import migrations

# (category, Chinese, English, good first topic). Entertainment and skills are familiar,
# low-exposure topics for new peers; personal stories come later (paper, Discussion).
PAPER_TOPICS = [
    ("daily_life_skills", "烹饪", "Cooking", True),
    ("daily_life_skills", "如何使用微信", "How to use WeChat", True),
    ("social_skills", "肢体语言与面部表情", "Body language and facial expression", True),
    ("social_skills", "言语沟通技巧", "Verbal communication skills", False),
    ("social_skills", "自我介绍", "Introducing oneself", True),
    ("knowledge", "精神分裂症的治疗", "Treatments for schizophrenia", False),
    ("knowledge", "识别疾病复发", "Recognising recurrence", False),
    ("knowledge", "复发的早期预警信号", "Early warning signs of relapse", False),
    ("knowledge", "药物治疗", "Medications", False),
    ("knowledge", "药物副作用", "Side effects", False),
    ("entertainment", "唱歌", "Singing", True),
    ("entertainment", "看电影", "Watching movies", True),
    ("fine_motor_exercise", "书写练习", "Handwriting", True),
    ("fine_motor_exercise", "书法", "Chinese calligraphy", True),
    ("fine_motor_exercise", "拼图", "Puzzles", True),
    ("fine_motor_exercise", "体育锻炼", "Physical exercise", True),
    ("personal_perceptions", "建立自尊", "Building self-esteem", False),
    ("personal_perceptions", "建立自信", "Building self-confidence", False),
    ("healthy_lifestyle", "控制情绪", "Controlling emotions", False),
    ("healthy_lifestyle", "健康饮食", "Healthy diet", True),
    ("emotional_support", "分享童年故事", "Sharing childhood stories", False),
    ("emotional_support", "与家人的关系", "Relationships with family members", False),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("activities", "Topic")
    for category, name, name_en, for_starters in PAPER_TOPICS:
        Topic.objects.get_or_create(
            category=category,
            name=name,
            defaults={"name_en": name_en, "for_starters": for_starters},
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
