import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qiao.core.tables import Table

from .models import Opportunity

STATUS_BADGES = {
    "draft": "bg-secondary-lt",
    "submitted": "bg-yellow-lt",
    "returned": "bg-orange-lt",
    "approved": "bg-blue-lt",
    "clash": "bg-red-lt",
    "won": "bg-green-lt",
    "lost": "bg-dark-lt",
}


def status_badge(opportunity: Opportunity):
    return format_html(
        '<span class="badge {}">{}</span>', STATUS_BADGES.get(opportunity.status, ""), opportunity.get_status_display()
    )


class OpportunityTable(Table):
    name = tables.Column(
        accessor="pk",
        verbose_name=_("Opportunity"),
        linkify=("opportunities:detail", {"pk": tables.A("pk")}),
        order_by=("title", "customer_name"),
        # The results are boosted for sorting and paging; opening a record is a whole page.
        attrs={"a": {"hx-boost": "false"}},
    )
    customer_name = tables.Column()
    status = tables.Column()
    stage = tables.Column(order_by=("stage__position",))
    amount = tables.Column(attrs={"td": {"class": "text-end"}})
    owner = tables.Column(order_by=("owner__full_name",))
    created_at = tables.DateTimeColumn(format="SHORT_DATE_FORMAT", verbose_name=_("Registered"))

    class Meta:
        model = Opportunity
        fields = [
            "name",
            "customer_name",
            "contact_name",
            "phone",
            "region",
            "source",
            "status",
            "stage",
            "amount",
            "expected_close_date",
            "owner",
            "created_at",
        ]
        order_by = ("-created_at",)
        attrs = {"class": "table table-vcenter card-table table-hover text-nowrap"}
        empty_text = _("No opportunity matches these filters.")

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)

    def render_status(self, record):
        return status_badge(record)

    def value_status(self, record):
        return record.get_status_display()
