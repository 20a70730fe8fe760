from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "qiao.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from qiao.core import permissions

        from .models import Customer

        permissions.register_object_type(Customer)
