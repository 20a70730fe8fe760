from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qiao.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import recycle_bin
        from .attachments import remove_attachment
        from .models import Attachment, Comment, TeamMember

        recycle_bin.register_dependent(Comment)
        recycle_bin.register_dependent(Attachment, remove_attachment)
        recycle_bin.register_dependent(TeamMember)
