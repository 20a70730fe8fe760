from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "qiao.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from qiao.core import demo as core_demo
        from qiao.core import navigation, permissions

        from . import demo
        from .models import Customer

        core_demo.register_loader(core_demo.DemoLoader("customers", order=20, load=demo.load))
        permissions.register_object_type(Customer)
        navigation.register_section(
            navigation.Section(
                key="customers",
                label=_("Customers"),
                icon="address-book",
                order=100,
                items=[
                    navigation.Item(_("Customers"), "customers:list", icon="building-store", permission="customer.view")
                ],
            )
        )
