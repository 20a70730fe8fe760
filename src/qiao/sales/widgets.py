"""The workbench's "opportunities needing action" (ACT-7): registrations waiting for the user's
review, the user's returned registrations, and their opportunities stuck in a stage too long."""

from django.db.models import Q
from django.utils import timezone

from qiao.core.workbench import Widget, register_widget

from .models import Opportunity, OpportunityStatus, StageKind, overdue_in_stage_q
from .notifications import REVIEW_CODE
from .stages import stages_of


def needing_action(request) -> dict | None:
    user = request.user
    if not (user.org_id and user.has_code("opportunity.view")):
        return None
    visible = Opportunity.objects.visible_to(user)
    now = timezone.now()
    overdue = Q(pk__in=[])
    for stage in stages_of(user.org_id):
        if stage.kind == StageKind.OPEN and stage.ageing_limit_days is not None:
            overdue |= overdue_in_stage_q(stage, now)  # the badge's and the reminder's rule (OPP-9)
    mine = visible.filter(owner=user)
    return {
        "to_review": (
            visible.filter(status=OpportunityStatus.SUBMITTED).exclude(owner=user).count()
            if user.has_code(REVIEW_CODE)
            else None
        ),
        "returned": list(mine.filter(status=OpportunityStatus.RETURNED).order_by("-updated_at")[:5]),
        "overdue": list(
            mine.filter(overdue, status=OpportunityStatus.APPROVED)
            .select_related("stage")
            .order_by("stage_entered_at")[:5]
        ),
        "open_count": mine.filter(status=OpportunityStatus.APPROVED).count(),
    }


def register() -> None:
    register_widget(Widget("sales.needing_action", "sales/widgets/needing_action.html", needing_action, order=20))
