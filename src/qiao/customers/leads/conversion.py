"""Converting a lead into a customer with its primary contact (LEAD-1, no retyping), the referral
reward the conversion makes due (LEAD-3), and the extension point through which later modules add
steps and options to the conversion."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.forms import field_error

from .. import chinese
from .. import services as customer_services
from ..errors import CustomerError
from ..models import Contact, Customer, Lead, LeadStatus, ReferralReward
from ..pool import customer_settings
from .duplicates import lead_duplicates
from .errors import LeadError


@dataclass
class Conversion:
    lead: Lead
    customer: Customer
    contact: Contact | None
    reward: ReferralReward | None
    linked: bool  # joined an existing customer instead of creating one
    extras: dict = field(default_factory=dict)  # what later steps add, e.g. {"opportunity": …}


@dataclass(frozen=True)
class ConversionOption:
    """A choice a conversion step offers on the conversion page and in `options`: a checkbox named
    `name` with `label`, shown to the users `available(user)` allows. Its value reaches the step as
    `options[name]` (True or False)."""

    name: str
    label: str
    available: Callable = lambda user: True
    help_text: str = ""


_conversion_steps: list[Callable] = []
_conversion_options: list[ConversionOption] = []


def register_conversion_step(step: Callable, *, option: ConversionOption | None = None) -> None:
    """The extension point for the modules that come next: opportunity registration adds a step
    `step(*, actor, conversion, options)` that creates the opportunity from the lead and the new
    customer and puts it in `conversion.extras`. Steps run in order, inside the conversion's
    transaction, after the customer, the contact and the reward exist; a step that raises undoes all.
    With `option`, the conversion page offers the step's checkbox; what a step wants said on success
    it appends to `conversion.extras["messages"]`. Registering the same step again changes nothing."""
    if step in _conversion_steps:
        return
    _conversion_steps.append(step)
    if option is not None:
        _conversion_options.append(option)


def conversion_options(user) -> list[ConversionOption]:
    """The choices the registered steps offer `user` on the conversion page."""
    return [option for option in _conversion_options if option.available(user)]


def conversion_customer_data(lead: Lead) -> dict:
    """The customer a lead becomes, from what the lead already says (no retyping). A lead without a
    company is a person, who becomes a consumer customer under their own name."""
    data = {
        "name": lead.company or lead.name,
        "phone": lead.phone,
        "email": lead.email,
        "wechat": lead.wechat,
        "address": lead.address,
        "province": lead.province,
        "city": lead.city,
        "district": lead.district,
        "source": lead.source,
        "notes": lead.notes,
        "tenure": "new",
        "lifecycle": "new",
        "related_users": list(lead.related_users.all()),
        "related_departments": list(lead.related_departments.all()),
    }
    if not lead.company:
        data["nature"] = "consumer"
    if lead.owner_id:
        data["owner"] = lead.owner
        if lead.owner_department_id:
            data["owner_department"] = lead.owner_department
    return data


def conversion_contact_data(lead: Lead) -> dict:
    return {
        "name": lead.name[:60],
        "title": lead.title,
        "phone": lead.phone,
        "email": lead.email,
        "wechat": lead.wechat,
        "is_primary": True,
    }


@transaction.atomic
def lead_convert(
    *,
    actor,
    lead: Lead,
    customer: Customer | None = None,
    customer_data: dict | None = None,
    contact_data: dict | None = None,
    ignore_duplicates: bool = False,
    version: int | None = None,
    options: dict | None = None,
) -> Conversion:
    """Turns the lead into a customer with the lead's person as its primary contact, or, with
    `customer`, joins an existing customer instead (the person becomes one of its contacts unless
    already there). A new customer is first checked for duplicates (CUS-8): when any are found the
    conversion is refused until the caller links one or confirms with `ignore_duplicates`. The
    conversion counts as the sale for now (LEAD-3): the customer's last deal is today and a
    referred lead's introducer is due the organization's reward. All or nothing; a converted lead
    cannot convert again."""
    core_services.require(actor, "edit", lead)
    current = Lead.objects.select_for_update().get(pk=lead.pk)  # two clicks at once convert once
    if current.status == LeadStatus.CONVERTED:
        raise field_error(
            "status",
            _("This lead was converted on %(date)s; it cannot be converted again.")
            % {"date": timezone.localdate(current.converted_at) if current.converted_at else "—"},
            CustomerError.LEAD_CONVERTED,
        )
    if current.status == LeadStatus.DISQUALIFIED:
        raise field_error("status", _("Reopen the disqualified lead before converting it."), LeadError.STATUS_CHANGE)
    if version is not None and version != current.version:
        raise core_services.StaleVersion
    now = timezone.now()
    if customer is None:
        if not ignore_duplicates and lead_duplicates(viewer=actor, lead=current, types=("customer",)).found:
            raise field_error(
                "customer",
                _(
                    "This company may already be a customer. Link the lead to the existing customer, "
                    "or confirm that it is a different company."
                ),
                CustomerError.DUPLICATE,
            )
        data = {**conversion_customer_data(current), **(customer_data or {})}
        data.update(last_deal_at=now, last_followed_at=current.last_contacted_at)
        customer = core_services.main_object_create(actor=actor, model=Customer, data=data)
        contact = customer_services.contact_save(
            actor=actor, customer=customer, data={**conversion_contact_data(current), **(contact_data or {})}
        )
        linked = False
    else:
        core_services.require(actor, "edit", customer)
        contact = _join_contact(actor, customer, {**conversion_contact_data(current), **(contact_data or {})})
        Customer.objects.filter(pk=customer.pk).update(last_deal_at=now)
        linked = True
    current = core_services.main_object_update(
        actor=actor,
        obj=current,
        data={
            "status": LeadStatus.CONVERTED,
            "converted_customer": customer,
            "converted_at": now,
            "next_follow_up_at": None,
        },
    )
    conversion = Conversion(current, customer, contact, _referral_reward_due(current), linked)
    for step in _conversion_steps:
        step(actor=actor, conversion=conversion, options=options or {})
    return conversion


def _join_contact(actor, customer: Customer, data: dict) -> Contact | None:
    """The lead's person as a contact of an existing customer, unless the customer has them already
    (same name or same phone)."""
    digits = chinese.digits(data.get("phone", ""))
    existing = customer.contacts.filter(name=data["name"])
    if digits:
        existing = existing | customer.contacts.filter(phone_digits__contains=digits)
    if existing.exists():
        return None
    data["is_primary"] = not customer.contacts.filter(is_primary=True).exists()
    return customer_services.contact_save(actor=actor, customer=customer, data=data)


def _referral_reward_due(lead: Lead) -> ReferralReward | None:
    """LEAD-3: the organization's reward, money or a gift, due to whoever introduced the lead."""
    if not (lead.referred_by_customer_id or lead.referred_by_name):
        return None
    reward = customer_settings(lead.org_id)
    introducer = lead.referred_by_customer
    money = reward.referral_reward_kind == ReferralReward.Kind.MONEY
    return ReferralReward.objects.create(
        org_id=lead.org_id,
        lead=lead,
        introducer_customer=introducer,
        introducer_name=(introducer.name if introducer else lead.referred_by_name)[:100],
        kind=reward.referral_reward_kind,
        amount=reward.referral_reward_amount if money else None,
        gift="" if money else reward.referral_reward_gift,
    )
