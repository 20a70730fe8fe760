"""Referral rewards and chains (LEAD-3): who may see a reward, paying it, who introduced a lead
(and who introduced them), and the leads a customer introduced. Conversion makes a reward due
(conversion.py)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.forms import field_error

from ..models import Customer, Lead, ReferralReward
from .errors import LeadError


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
