import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qiao.core.tables import Table

from .models import Contract


class ContractTable(Table):
    number = tables.Column(linkify=("contracts:detail", {"pk": tables.A("pk")}))
    customer = tables.Column(order_by=("customer__name",))
    opportunity = tables.Column(
        linkify=lambda record: record.opportunity.get_absolute_url() if record.opportunity_id else None
    )
    owner = tables.Column(order_by=("owner__full_name",))
    amount = tables.Column(attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Contract
        fields = ["number", "title", "customer", "opportunity", "amount", "currency", "sign_date", "status", "owner"]
        order_by = ("-sign_date",)
        attrs = {"class": "table table-vcenter card-table table-hover text-nowrap"}
        empty_text = _("No contract matches these filters.")
