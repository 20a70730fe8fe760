"""Every write and rule about leads (LEAD-1 … LEAD-5): normalizing (the customer helpers, so a lead's
phone and name read like a customer's), status changes, the follow-up cadence, conversion into a
customer with its primary contact (no retyping), referral rewards, the public capture form and daily
contact targets (the last two in capture.py and targets.py). Views and the API parse and call these;
they hold no rule of their own."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.activities.models import Activity
from qiao.core import services as core_services
from qiao.core.forms import field_error

from .. import chinese, dedupe
from .. import services as customer_services
from ..dedupe import DuplicateReport
from ..errors import CustomerError
from ..models import Contact, Customer, Lead, LeadStatus, ReferralReward
from ..pool import customer_settings


class LeadError(StrEnum):
    """Codes of lead errors that CustomerError does not name yet."""

    STATUS_CHANGE = "lead_status_change"
    REASON_REQUIRED = "lead_reason_required"
    CONTACT_CHANNEL_REQUIRED = "lead_contact_channel_required"
    REWARD_PAID = "referral_reward_paid"
    FORM_OWNER = "capture_form_owner"
    FORM_CLOSED = "capture_form_closed"
    TARGET_RANGE = "daily_target_range"


# --- Normalizing (registered as the lead type's `prepare`, run by every create and update) -------


def prepare_lead(lead: Lead) -> None:
    errors = {}
    customer_services._phone_or_error(lead, "phone", errors)
    if errors:
        raise ValidationError(errors)
    lead.name = " ".join(lead.name.split())
    lead.company = " ".join(lead.company.split())
    customer_services.fill_address(lead)
    lead.name_pinyin, lead.name_initials = chinese.pinyin_keys(f"{lead.name} {lead.company}")
    lead.name_key = chinese.company_name_key(lead.company or lead.name)
    lead.phone_digits = chinese.phone_digits(lead.phone)
    if lead.next_follow_up_at is None and lead.status in OPEN_STATUSES:
        lead.next_follow_up_at = next_follow_up(lead)


# --- Status and the follow-up cadence (LEAD-1, LEAD-2) -------------------------------------------

OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.HOT)

# "new" is only where a lead starts; "converted" is reached only by converting and is final; a
# disqualified lead can be reopened, as contacted.
TRANSITIONS = {
    LeadStatus.NEW: {LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.HOT, LeadStatus.DISQUALIFIED},
    LeadStatus.CONTACTED: {LeadStatus.QUALIFIED, LeadStatus.HOT, LeadStatus.DISQUALIFIED},
    LeadStatus.QUALIFIED: {LeadStatus.HOT, LeadStatus.DISQUALIFIED},
    LeadStatus.HOT: {LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED},
    LeadStatus.DISQUALIFIED: {LeadStatus.CONTACTED},
    LeadStatus.CONVERTED: set(),
}

# Activities that mean someone talked to the lead; a task is a plan, not a contact.
CONTACT_KINDS = {
    Activity.Kind.CALL,
    Activity.Kind.VISIT,
    Activity.Kind.EMAIL,
    Activity.Kind.MEETING,
    Activity.Kind.NOTE,
}


def next_follow_up(lead: Lead):
    """The last contact plus the lead's cadence; a lead nobody has contacted yet is due today."""
    if lead.last_contacted_at is None:
        return timezone.localdate()
    return timezone.localdate(lead.last_contacted_at) + timedelta(days=lead.follow_up_days)


def is_overdue(lead: Lead) -> bool:
    return (
        lead.status in OPEN_STATUSES
        and lead.next_follow_up_at is not None
        and lead.next_follow_up_at < timezone.localdate()
    )


def allowed_statuses(lead: Lead) -> list[str]:
    """The statuses `lead` may move to, in the order of the status list."""
    allowed = TRANSITIONS.get(lead.status, set())
    return [status for status in LeadStatus.values if status in allowed]


@transaction.atomic
def lead_change_status(*, actor, lead: Lead, status: str, reason: str = "", version: int | None = None) -> Lead:
    """Contacted, qualified (准目标), hot (热点), disqualified (with a reason) or reopened. Marking a
    lead contacted records the contact and sets the next follow-up from the cadence; a hot lead is on
    its owner's work-focus list (LEAD-2)."""
    if status == LeadStatus.CONVERTED:
        raise field_error(
            "status", _("A lead becomes converted only by converting it into a customer."), LeadError.STATUS_CHANGE
        )
    if status not in TRANSITIONS.get(lead.status, set()):
        raise field_error(
            "status",
            _("A lead that is “%(current)s” cannot become “%(new)s”.")
            % {"current": lead.get_status_display(), "new": _status_label(status)},
            CustomerError.LEAD_CONVERTED if lead.status == LeadStatus.CONVERTED else LeadError.STATUS_CHANGE,
        )
    data = {"status": status, "disqualified_reason": ""}
    if status == LeadStatus.DISQUALIFIED:
        reason = " ".join((reason or "").split())
        if not reason:
            raise field_error("reason", _("Say why the lead is disqualified."), LeadError.REASON_REQUIRED)
        if len(reason) > 200:
            raise field_error("reason", _("Keep the reason under 200 characters."), LeadError.REASON_REQUIRED)
        data.update(disqualified_reason=reason, next_follow_up_at=None)
    elif status == LeadStatus.CONTACTED:
        now = timezone.now()
        data.update(
            last_contacted_at=now, next_follow_up_at=timezone.localdate(now) + timedelta(days=lead.follow_up_days)
        )
    return core_services.main_object_update(actor=actor, obj=lead, data=data, version=version)


def _status_label(status: str) -> str:
    return str(dict(LeadStatus.choices).get(status, status))


@transaction.atomic
def lead_contacted_as_system(*, activity: Activity) -> None:
    """An activity about a lead that has taken place (a call, a visit, …) is a contact: it moves the
    last contact and the next follow-up, and a new lead becomes contacted. Called explicitly by
    `activities.services.activity_create`; bookkeeping, so it needs no permission on the lead."""
    if activity.kind not in CONTACT_KINDS or activity.subject_id is None or activity.starts_at > timezone.now():
        return
    if activity.subject_type_id != ContentType.objects.get_for_model(Lead).pk:
        return
    lead = Lead.objects.select_for_update().filter(pk=activity.subject_id, org_id=activity.org_id).first()
    if lead is None or (lead.last_contacted_at is not None and lead.last_contacted_at >= activity.starts_at):
        return
    lead.last_contacted_at = activity.starts_at
    if lead.status in OPEN_STATUSES:
        lead.next_follow_up_at = timezone.localdate(activity.starts_at) + timedelta(days=lead.follow_up_days)
    if lead.status == LeadStatus.NEW:
        lead.status = LeadStatus.CONTACTED
    lead.version += 1
    lead.save(update_fields=["last_contacted_at", "next_follow_up_at", "status", "version", "updated_at"])


# --- Duplicates (CUS-8's one service, as seen by one employee) -----------------------------------


def lead_duplicates(*, viewer, lead: Lead, types=("customer", "lead")) -> DuplicateReport:
    """CUS-8's one duplicate check, for a lead: its company (or, for a person, its name), phone and
    address against the organization's customers and other leads."""
    matches = dedupe.find_duplicates_as_system(
        org_id=lead.org_id,
        name=lead.company or lead.name,
        phone=lead.phone,
        address=lead.address,
        exclude=(("lead", lead.pk),) if lead.pk else (),
        types=types,
    )
    return DuplicateReport(dedupe.matches_for_user(viewer, matches))


# --- Conversion (LEAD-1) and referral rewards (LEAD-3) --------------------------------------------


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


def rewards_visible_to(user):
    """A reward belongs to its lead and follows the lead's permissions."""
    if not (user.is_authenticated and user.org_id):
        return ReferralReward.objects.none()
    return ReferralReward.objects.filter(
        org_id=user.org_id, lead__in=Lead.objects.visible_to(user).values("pk")
    ).select_related("lead", "paid_by", "introducer_customer")


@transaction.atomic
def referral_reward_mark_paid(*, actor, reward: ReferralReward) -> ReferralReward:
    """Records who paid the reward and when. Whoever may change the lead may record it."""
    core_services.require(actor, "edit", reward.lead)
    reward = ReferralReward.objects.select_for_update().get(pk=reward.pk)
    if reward.status == ReferralReward.Status.PAID:
        raise field_error(
            "status",
            _("This reward was already paid on %(date)s by %(user)s.")
            % {"date": timezone.localdate(reward.paid_at), "user": reward.paid_by or _("the system")},
            LeadError.REWARD_PAID,
        )
    reward.status, reward.paid_at, reward.paid_by = ReferralReward.Status.PAID, timezone.now(), actor
    reward.save(update_fields=["status", "paid_at", "paid_by"])
    return reward


@dataclass
class ChainLink:
    """One introducer in a referral chain: a customer the viewer may open, or a name."""

    name: str
    customer: Customer | None = None
    lead: Lead | None = None  # the lead through which this customer came, when visible


def referral_chain(*, viewer, lead: Lead, depth: int = 6) -> list[ChainLink]:
    """Who introduced the lead, who introduced them, and so on (LEAD-3's chain introduction),
    through records the viewer may open only: the chain stops at the first one they cannot."""
    chain, seen = [], {lead.pk}
    visible_customers, visible_leads = Customer.objects.visible_to(viewer), Lead.objects.visible_to(viewer)
    current = lead
    while current is not None and len(chain) < depth:
        introducer = None
        if current.referred_by_customer_id:
            introducer = visible_customers.filter(pk=current.referred_by_customer_id).first()
            if introducer is None:
                break
        elif current.referred_by_name:
            chain.append(ChainLink(current.referred_by_name))
            break
        else:
            break
        origin = visible_leads.filter(converted_customer=introducer).exclude(pk__in=seen).first()
        chain.append(ChainLink(introducer.name, introducer, origin))
        if origin is not None:
            seen.add(origin.pk)
        current = origin
    return chain


def referrals_of(*, viewer, customer: Customer):
    """The leads this customer introduced that the viewer may see, with their rewards."""
    return (
        Lead.objects.visible_to(viewer)
        .filter(referred_by_customer=customer)
        .select_related("owner", "referral_reward")
        .order_by("-created_at")
    )
