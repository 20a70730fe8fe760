from .opportunity import (
    CLOSED_STATUSES,
    PROTECTING_STATUSES,
    REGISTRATION_FIELDS,
    Competitor,
    Opportunity,
    OpportunityClash,
    OpportunityEvent,
    OpportunityStatus,
)
from .stage import DEFAULT_STAGES, PROCESS, Stage, StageKind, business_role_label

__all__ = [
    "CLOSED_STATUSES",
    "DEFAULT_STAGES",
    "PROCESS",
    "PROTECTING_STATUSES",
    "REGISTRATION_FIELDS",
    "Competitor",
    "Opportunity",
    "OpportunityClash",
    "OpportunityEvent",
    "OpportunityStatus",
    "Stage",
    "StageKind",
    "business_role_label",
]
