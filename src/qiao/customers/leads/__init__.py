"""Every write and rule about leads (LEAD-1 … LEAD-5): normalizing (the customer helpers, so a lead's
phone and name read like a customer's), status changes, the follow-up cadence, conversion into a
customer with its primary contact (no retyping), referral rewards, the public capture form and daily
contact targets. Views and the API parse and call these; they hold no rule of their own.

One module per concern: status.py (normalizing, statuses, the follow-up cadence), duplicates.py (the
duplicate check), conversion.py (conversion and its extension point), referrals.py (referral rewards
and chains), capture.py (capture forms), targets.py (daily contact targets) and errors.py (LeadError).
The names other code uses are re-exported here."""

from .conversion import (
    ConversionOption,
    conversion_contact_data,
    conversion_customer_data,
    conversion_options,
    lead_convert,
    register_conversion_step,
)
from .duplicates import lead_duplicates
from .referrals import referral_chain, referral_reward_mark_paid, referrals_of, rewards_visible_to
from .status import (
    CONTACT_KINDS,
    OPEN_STATUSES,
    allowed_statuses,
    is_overdue,
    lead_change_status,
    lead_contacted_as_system,
    prepare_lead,
)

__all__ = [
    "CONTACT_KINDS",
    "OPEN_STATUSES",
    "ConversionOption",
    "allowed_statuses",
    "conversion_contact_data",
    "conversion_customer_data",
    "conversion_options",
    "is_overdue",
    "lead_change_status",
    "lead_contacted_as_system",
    "lead_convert",
    "lead_duplicates",
    "prepare_lead",
    "referral_chain",
    "referral_reward_mark_paid",
    "referrals_of",
    "register_conversion_step",
    "rewards_visible_to",
]
