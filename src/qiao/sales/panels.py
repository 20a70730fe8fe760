"""Tabs this module adds to other records' pages: a customer's opportunities and contracts, and on
a customer, lead or opportunity the registrations that clashed with it (OPP-3: the existing owner
sees the clash)."""

from django.utils.translation import gettext_lazy as _

from qiao.core.panels import Panel, register_panel

from . import queries
from .models import Opportunity


def _customer_opportunities(request, record) -> dict | None:
    if record._meta.label_lower != "customers.customer":
        return None
    from qiao.contracts.models import Contract

    return {
        "record": record,
        "opportunities": list(
            Opportunity.objects.visible_to(request.user).filter(customer=record).select_related("stage", "owner")[:50]
        ),
        "contracts": list(Contract.objects.visible_to(request.user).filter(customer=record)[:50]),
        "can_register": request.user.has_code("opportunity.add"),
    }


def _clashes(request, record) -> dict | None:
    if record._meta.label_lower not in {"customers.customer", "customers.lead", "sales.opportunity"}:
        return None
    rows = queries.clashes_with(record)
    if not rows:
        return None
    visible = set(
        Opportunity.objects.visible_to(request.user)
        .filter(pk__in=[row.opportunity_id for row in rows])
        .values_list("pk", flat=True)
    )
    for row in rows:
        row.can_open = row.opportunity_id in visible
    return {"record": record, "clashes": rows}


def register() -> None:
    register_panel(
        Panel(
            "opportunities", _("Opportunities"), "sales/panels/customer_opportunities.html", _customer_opportunities, 35
        )
    )
    register_panel(Panel("clashes", _("Registration clashes"), "sales/panels/clashes.html", _clashes, 45))
