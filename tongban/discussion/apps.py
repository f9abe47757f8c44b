from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _space_for(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # Every program and community has its space from the start (fixtures loaded raw too).
    if not created:
        return
    from .models import Space

    if sender.__name__ == "Program":
        Space.objects.get_or_create(program=instance, community=None)
    else:
        Space.objects.get_or_create(program_id=instance.program_id, community=instance)


class DiscussionConfig(AppConfig):
    name = "tongban.discussion"
    verbose_name = _("online supervision group")

    def ready(self) -> None:
        from tongban.registry.models import Community, Program

        post_save.connect(_space_for, sender=Program, dispatch_uid="discussion_program_space")
        post_save.connect(_space_for, sender=Community, dispatch_uid="discussion_community_space")
