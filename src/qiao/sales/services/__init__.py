"""Every write to opportunities (OPP-1 … OPP-9). Each status change is one atomic, keyword-only
service taking the acting user; each refuses, with a translated message and a SalesError code,
what the opportunity's current state does not allow, and locks the row (`select_for_update`) and
checks the version the caller read, so that of two reviewers approving at once, or two people
dragging the same card, one wins and the other hears that someone was first (NFR-2).

    draft ──submit──▶ submitted ──approve──▶ approved ──move stage──▶ approved
      │                 │   │                   │ └──mark won (contract)──▶ won
      │ (register)      │   └──return──▶ returned ──resubmit──▶ submitted / clash
      └─────────────────┴──(duplicate found)──▶ clash ──override (admin)──▶ approved
                                                approved ──mark lost (reason)──▶ lost
"""

from qiao.core.services import StaleVersion

from .following import (
    competitor_delete,
    competitor_save,
    opportunity_mark_lost,
    opportunity_mark_won,
    opportunity_move_stage,
    opportunity_team_add,
    opportunity_team_remove,
    opportunity_update,
    stage_ageing_remind_as_system,
)
from .registration import (
    opportunity_approve,
    opportunity_override_clash,
    opportunity_register,
    opportunity_resubmit,
    opportunity_return,
    opportunity_submit,
    prepare_opportunity,
)

__all__ = [
    "StaleVersion",
    "competitor_delete",
    "competitor_save",
    "opportunity_approve",
    "opportunity_mark_lost",
    "opportunity_mark_won",
    "opportunity_move_stage",
    "opportunity_override_clash",
    "opportunity_register",
    "opportunity_resubmit",
    "opportunity_return",
    "opportunity_submit",
    "opportunity_team_add",
    "opportunity_team_remove",
    "opportunity_update",
    "prepare_opportunity",
    "stage_ageing_remind_as_system",
]
