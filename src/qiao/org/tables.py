import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qiao.core.tables import Table

from .models import User


class EmployeeTable(Table):
    full_name = tables.Column(linkify=("org:employee_detail", {"pk": tables.A("pk")}))
    department = tables.Column(order_by=("department__path",))
    phone = tables.Column()
    email = tables.EmailColumn(verbose_name=_("E-mail"))
    is_active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta:
        model = User
        fields = ["full_name", "username", "department", "position", "phone", "email", "is_active"]
        order_by = ("department", "full_name")
        attrs = {"class": "table table-vcenter card-table table-hover text-nowrap"}
        empty_text = _("No employee matches these filters.")
