"""The codes of lead errors (LEAD-1 … LEAD-5) that CustomerError does not name."""

from enum import StrEnum


class LeadError(StrEnum):
    """Codes of lead errors that CustomerError does not name yet."""

    STATUS_CHANGE = "lead_status_change"
    REASON_REQUIRED = "lead_reason_required"
    CONTACT_CHANNEL_REQUIRED = "lead_contact_channel_required"
    REWARD_PAID = "referral_reward_paid"
    FORM_OWNER = "capture_form_owner"
    FORM_CLOSED = "capture_form_closed"
    TARGET_RANGE = "daily_target_range"
