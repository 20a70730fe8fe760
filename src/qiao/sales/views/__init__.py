"""Pages of opportunities: the list and review queue, registration (OPP-1), the opportunity's page
with its review trail, clashes, stage, follow-up data, competitors and team (OPP-2 … OPP-9), and a
page or button per status change. Views stay thin: querysets from `visible_to`, every write one
service call, every refusal shown as the service words it.

One module per concern: the opportunity's own pages (`opportunities.py`), the status changes
and closing (`status_changes.py`), competitors and team (`competitors_and_team.py`); `urls.py`
uses the views through this package. The kanban, reports and stage settings are `views_board.py`."""

from .competitors_and_team import competitor_add, competitor_delete, team_add, team_remove
from .opportunities import (
    OpportunityDeleteView,
    OpportunityDetailView,
    OpportunityEditView,
    OpportunityListView,
    ReviewQueueView,
)
from .status_changes import LoseView, WinView, approve, move_stage, override, resubmit, return_for_correction, submit

__all__ = [
    "LoseView",
    "OpportunityDeleteView",
    "OpportunityDetailView",
    "OpportunityEditView",
    "OpportunityListView",
    "ReviewQueueView",
    "WinView",
    "approve",
    "competitor_add",
    "competitor_delete",
    "move_stage",
    "override",
    "resubmit",
    "return_for_correction",
    "submit",
    "team_add",
    "team_remove",
]
