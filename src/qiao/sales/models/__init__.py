from .opportunity import (
    CLOSED_STATUSES,
    PROTECTING_STATUSES,
    REGISTRATION_FIELDS,
    Competitor,
    Opportunity,
    OpportunityClash,
    OpportunityEvent,
    OpportunityStatus,
    ageing_overdue_at_or_before,
    is_overdue_in,
    overdue_in_stage_q,
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
    "ageing_overdue_at_or_before",
    "business_role_label",
    "is_overdue_in",
    "overdue_in_stage_q",
]
