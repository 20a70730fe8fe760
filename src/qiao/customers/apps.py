from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "qiao.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from qiao.core import demo as core_demo
        from qiao.core import navigation, permissions

        from . import demo, pool, services
        from .models import Customer

        core_demo.register_loader(core_demo.DemoLoader("customers", order=20, load=demo.load))
        permissions.register_object_type(Customer, prepare=services.prepare_customer)
        permissions.register_view_rule(Customer, pool.POOL_RULE)
        permissions.register_user_fact(pool.POOL_DEPARTMENTS)
        from qiao.core.imports import register_importer

        from .importers import customer_importer

        register_importer(customer_importer)  # CUS-7: the import wizard and its template
        navigation.register_section(
            navigation.Section(
                key="customers",
                label=_("Customers"),
                icon="address-book",
                order=100,
                items=[
                    navigation.Item(
                        _("Customers"), "customers:list", icon="building-store", permission="customer.view"
                    ),
                    navigation.Item(_("Customer map"), "customers:map", icon="map-2", permission="customer.view"),
                    navigation.Item(_("Birthdays"), "customers:birthdays", icon="cake", permission="customer.view"),
                    navigation.Item(_("Duplicates"), "customers:duplicates", icon="copy", permission="customer.view"),
                ],
            )
        )
        self.register_map_birthdays_photos_and_calls()
        self.register_leads_and_pool()
        self.register_duplicates_and_merges()

    def register_map_birthdays_photos_and_calls(self) -> None:
        """CUS-3 photos and CUS-5 verification calls as panels of the customer's page, the
        upcoming birthdays (CUS-10) on the workbench, and photo files removed with a purged customer."""
        from qiao.core import recycle_bin
        from qiao.core.panels import Panel, register_panel
        from qiao.core.workbench import Widget, register_widget

        from . import photos, views_birthdays, views_photos, views_verification

        register_panel(Panel("photos", _("Photos"), "customers/panels/photos.html", views_photos.panel_context, 65))
        register_panel(
            Panel(
                "verification",
                _("Verification"),
                "customers/panels/verification.html",
                views_verification.panel_context,
                70,
            )
        )
        register_widget(
            Widget(
                "customers.upcoming_birthdays",
                "customers/widgets/birthdays_upcoming.html",
                views_birthdays.upcoming_widget_context,
                order=60,
            )
        )
        recycle_bin.register_purge_hook(photos.remove_photo_files_of)

    def register_leads_and_pool(self) -> None:
        """Leads as a main object type (LEAD-1), their menu, the workbench widgets of hot leads
        (LEAD-2), daily targets (LEAD-5) and customers returning to the pool (CUS-12), the referral
        and pool panels on a customer's page, the demo leads, and the pool's nightly schedule."""
        from django.db.models.signals import post_migrate

        from qiao.core import demo as core_demo
        from qiao.core import navigation, permissions
        from qiao.core.panels import Panel, register_panel
        from qiao.core.workbench import Widget, register_widget

        from . import demo_leads, leads, tasks, views_lead_conversion, views_lead_targets, views_leads, views_pool
        from .models import Lead

        permissions.register_object_type(Lead, prepare=leads.prepare_lead)
        permissions.register_codes(
            permissions.PermissionCode(
                "lead.targets", _("Set daily contact targets for one's department and follow its progress")
            )
        )
        core_demo.register_loader(
            core_demo.DemoLoader("leads", order=25, load=demo_leads.load_leads, unload=demo_leads.unload_leads)
        )
        navigation.register_section(
            navigation.Section(
                key="leads",
                label=_("Leads"),
                icon="target-arrow",
                order=110,
                items=[
                    navigation.Item(_("Leads"), "customers:leads:list", icon="user-search", permission="lead.view"),
                    navigation.Item(_("Public pool"), "customers:pool", icon="swimming", permission="customer.view"),
                    navigation.Item(_("Capture forms"), "customers:capture_forms", icon="forms", permission="lead.add"),
                    navigation.Item(
                        _("Referral rewards"), "customers:lead_rewards", icon="gift", permission="lead.view"
                    ),
                    navigation.Item(_("Daily targets"), "customers:targets", icon="target", permission="lead.targets"),
                    navigation.Item(
                        _("Pool settings"), "customers:pool_settings", icon="adjustments", permission="org.manage"
                    ),
                ],
            )
        )
        register_widget(Widget("leads.hot", "customers/widgets/lead_hot.html", views_leads.hot_leads_widget, order=30))
        register_widget(
            Widget(
                "leads.targets",
                "customers/widgets/targets_progress.html",
                views_lead_targets.daily_target_widget,
                order=32,
            )
        )
        register_widget(
            Widget(
                "pool.returning", "customers/widgets/pool_returning.html", views_pool.returning_soon_widget, order=34
            )
        )
        register_panel(
            Panel(
                "referrals",
                _("Referrals"),
                "customers/panels/lead_referrals.html",
                views_lead_conversion.referrals_panel,
                75,
            )
        )
        register_panel(Panel("pool", _("Public pool"), "customers/panels/pool_events.html", views_pool.pool_panel, 80))
        post_migrate.connect(tasks.ensure_schedules, sender=self, dispatch_uid="qiao.customers.ensure_schedules")

    def register_duplicates_and_merges(self) -> None:
        """CUS-8: what a merge moves (this app's and core's references; later modules add theirs with
        merge.register_customer_reference) and the "Merges" tab of a customer's page."""
        from qiao.core.panels import Panel, register_panel

        from . import merge, views_duplicates

        merge.register_builtin_references()
        register_panel(
            Panel("merges", _("Merges"), "customers/merge_panel.html", views_duplicates.merges_panel, order=85)
        )
