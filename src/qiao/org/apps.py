from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "qiao.org"
    label = "org"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from qiao.core import demo as core_demo
        from qiao.core import navigation
        from qiao.core.notifications import register_verb

        from . import demo, services, widgets

        widgets.register()
        register_verb(services.HANDED_OVER)
        core_demo.register_loader(core_demo.DemoLoader("org", order=10, load=demo.load))

        navigation.register_section(
            navigation.Section(
                key="org",
                label=_("Organization"),
                icon="building",
                order=900,
                items=[
                    navigation.Item(_("Employees"), "org:employee_list", icon="users"),
                    navigation.Item(_("Departments"), "org:department_list", icon="hierarchy-2"),
                    navigation.Item(_("Roles"), "org:role_list", icon="shield-lock", permission="org.manage"),
                ],
            )
        )
