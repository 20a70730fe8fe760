from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qiao.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import navigation, record_views, recycle_bin  # noqa: F401 - record_views registers the panels
        from .attachments import remove_attachment
        from .models import Attachment, Comment, TeamMember
        from .permissions import register_user_fact
        from .permissions.scopes import ROLES

        register_user_fact(ROLES)  # every request's user is read with their roles
        recycle_bin.register_dependent(Comment)
        recycle_bin.register_dependent(Attachment, remove_attachment)
        recycle_bin.register_dependent(TeamMember)
        navigation.register_section(
            navigation.Section(
                key="system",
                label=_("System"),
                icon="settings",
                order=950,
                items=[
                    navigation.Item(_("Recycle bin"), "recycle_bin", icon="trash"),
                    navigation.Item(_("Explain access"), "explain", icon="shield-search", permission="access.explain"),
                ],
            )
        )
