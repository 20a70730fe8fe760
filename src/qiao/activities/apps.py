from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "qiao.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        from qiao.core import permissions, recycle_bin
        from qiao.core.panels import Panel, register_panel

        from . import views
        from .models import Activity

        permissions.register_object_type(Activity, is_activity=True)
        recycle_bin.register_purge_hook(Activity.detach_from)
        register_panel(
            Panel("activities", _("Activities"), "activities/panels/activities.html", views.panel_context, order=40)
        )
