from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "qiao.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from qiao.core import demo as core_demo
        from qiao.core import navigation, permissions
        from qiao.org.models import Organization

        from . import conversion, demo, notifications, panels, services, widgets
        from .models import Opportunity

        permissions.register_object_type(Opportunity, prepare=services.prepare_opportunity)
        permissions.register_codes(
            permissions.PermissionCode(
                notifications.REVIEW_CODE, _("Review opportunity registrations (sales managers and assistants)")
            )
        )
        notifications.register_verbs()
        panels.register()
        widgets.register()
        # Converting a lead may register its opportunity (LEAD-1); open registrations are in the
        # duplicate check (API-5, OPP-3). The customers app only offers the hooks.
        conversion.register()
        core_demo.register_loader(core_demo.DemoLoader("sales", order=40, load=demo.load))
        # Every new organization starts with the seed's funnel (OPP-4).
        post_save.connect(_default_stages, sender=Organization, dispatch_uid="sales.default_stages")
        navigation.register_section(
            navigation.Section(
                key="sales",
                label=_("Sales"),
                icon="chart-funnel",
                order=200,
                items=[
                    navigation.Item(
                        _("Opportunities"), "opportunities:list", icon="target-arrow", permission="opportunity.view"
                    ),
                    navigation.Item(
                        _("Kanban"), "opportunities:kanban", icon="layout-kanban", permission="opportunity.view"
                    ),
                    navigation.Item(
                        _("Review queue"),
                        "opportunities:review",
                        icon="clipboard-check",
                        permission=notifications.REVIEW_CODE,
                    ),
                    navigation.Item(
                        _("Forecast"), "opportunities:forecast", icon="report-money", permission="opportunity.view"
                    ),
                    navigation.Item(
                        _("Funnel"), "opportunities:funnel", icon="chart-funnel", permission="opportunity.view"
                    ),
                    navigation.Item(
                        _("Sales stages"),
                        "opportunities:stages",
                        icon="adjustments-horizontal",
                        permission="org.manage",
                    ),
                ],
            )
        )


def _default_stages(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from .stages import default_stages_create

        default_stages_create(organization=instance)
