"""Converting a lead can register its opportunity at once (LEAD-1 "no retyping", OPP-1): the step
this app adds to the lead conversion (`customers.leads.register_conversion_step`, docs/leads-and-
pool.md) and the open registrations it adds to the duplicate check (`customers.dedupe.
register_match_source`, API-5). Both are registered from SalesConfig.ready(), so that the customers
app never imports this one.

The registration is the ordinary one (`services.opportunity_register`: submitted for review after
the duplicate check, OPP-2/OPP-3), run inside the conversion's transaction: when it is refused, the
conversion is undone too, and the conversion page names each fact the lead lacks."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.customers import dedupe, leads

from . import matching, services
from .errors import SalesError
from .models import REGISTRATION_FIELDS, Opportunity, OpportunityStatus

OPTION = "register_opportunity"


def _fact_labels() -> dict[str, str]:
    """Each of the six facts (OPP-1) as the conversion page names it: where on the lead it comes from."""
    return {
        "customer_name": _("the customer name"),
        "contact_name": _("the contact"),
        "phone": _("the phone"),
        "source": _("the source"),
        "region": _("the region (the lead's province and city, or its address)"),
        "description": _("the description (the lead's notes)"),
    }


def _region(*records) -> str:
    """Province, city and district of the first record that has any (e.g. 浙江省杭州市西湖区), else its
    address."""
    for record in records:
        parts = []
        for part in (record.province, record.city, record.district):
            if part and part not in parts:
                parts.append(part)
        if parts:
            return "".join(parts)[:60]
    for record in records:
        if record.address:
            return record.address[:60]
    return ""


def registration_data(*, actor, conversion) -> dict:
    """The registration's six facts and relations from the converted lead, its customer record and
    the contact it became: nothing is typed again."""
    lead, customer, contact = conversion.lead, conversion.customer, conversion.contact
    owner = lead.owner or actor
    data = {
        "customer": customer,
        "customer_name": customer.name,
        "contact_name": contact.name if contact else lead.name,
        "phone": lead.phone or (contact.phone if contact else "") or customer.phone or customer.mobile,
        "source": lead.source,
        "region": _region(lead, customer),
        "description": (lead.notes or "").strip(),
        "owner": owner,
        "contacts": [contact] if contact else [],
    }
    if lead.owner_id and lead.owner_department_id:
        data["owner_department"] = lead.owner_department
    return data


def register_from_conversion(*, actor, conversion, options: dict) -> None:
    """The conversion step: with the option "also register an opportunity", registers it (submitted
    for review) and puts it in `conversion.extras["opportunity"]`. A fact the lead lacks refuses the
    conversion with one error naming every missing fact, under the option's name."""
    if not options.get(OPTION):
        return
    data = registration_data(actor=actor, conversion=conversion)
    labels = _fact_labels()
    missing = [labels[name] for name in REGISTRATION_FIELDS if not str(data.get(name) or "").strip()]
    if missing:
        raise ValidationError(
            {
                OPTION: ValidationError(
                    _(
                        "The opportunity cannot be registered: the lead has no %(facts)s. Fill them in "
                        "on the lead, or convert it without registering the opportunity."
                    )
                    % {"facts": ", ".join(missing)},
                    code=SalesError.REQUIRED,
                )
            }
        )
    try:
        opportunity = services.opportunity_register(actor=actor, data=data, submit=True)
    except ValidationError as error:
        raise ValidationError(
            {
                OPTION: [
                    ValidationError(_("Opportunity: %(error)s") % {"error": message}, code="invalid")
                    for message in error.messages
                ]
            }
        ) from error
    conversion.extras["opportunity"] = opportunity
    if opportunity.status == OpportunityStatus.CLASH:
        text = _(
            "The opportunity %(opportunity)s was registered but failed: someone else already holds this "
            "customer (clash). Its page says whose."
        )
    else:
        text = _("The opportunity %(opportunity)s is registered and waits for review.")
    conversion.extras.setdefault("messages", []).append(text % {"opportunity": opportunity})


def _may_register(user) -> bool:
    return bool(getattr(user, "org_id", None)) and user.has_code("opportunity.add")


def register() -> None:
    leads.register_conversion_step(
        register_from_conversion,
        option=leads.ConversionOption(
            name=OPTION,
            label=gettext_lazy("Also register an opportunity"),
            available=_may_register,
            help_text=gettext_lazy(
                "From the lead's company, contact, phone, source, region and notes; it then waits for review."
            ),
        ),
    )
    dedupe.register_match_source(
        dedupe.MatchSource("opportunity", matching.find_opportunities_as_system, lambda: Opportunity)
    )
