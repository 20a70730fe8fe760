from . import choices
from .customer import Birthday, Contact, Customer, CustomerPhoto, Tag, VerificationCall
from .lead import CaptureForm, DailyTarget, Lead, LeadStatus, ReferralReward
from .pool import CustomerMerge, CustomerSettings, PoolEvent

__all__ = [
    "Birthday",
    "CaptureForm",
    "Contact",
    "Customer",
    "CustomerMerge",
    "CustomerPhoto",
    "CustomerSettings",
    "DailyTarget",
    "Lead",
    "LeadStatus",
    "PoolEvent",
    "ReferralReward",
    "Tag",
    "VerificationCall",
    "choices",
]
