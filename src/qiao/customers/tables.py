import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Customer


class CustomerTable(tables.Table):
    name = tables.Column(linkify=("customers:detail", {"pk": tables.A("pk")}))
    owner = tables.Column(default=_("Public pool"), order_by=("owner__full_name",))
    owner_department = tables.Column(order_by=("owner_department__path",))
    created_at = tables.DateTimeColumn(format="SHORT_DATE_FORMAT")

    class Meta:
        model = Customer
        fields = ["name", "phone", "owner", "owner_department", "created_at"]
        order_by = ("-created_at",)
        attrs = {"class": "table table-vcenter card-table table-hover text-nowrap"}
        empty_text = _("No customer matches these filters.")
