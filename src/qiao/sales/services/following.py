"""Following an approved opportunity (OPP-5, OPP-8: edits, stages, competitors, team), closing it
(OPP-6: won with its contract, or lost with a reason) and the stage-ageing reminders (OPP-9)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.forms import field_error
from qiao.core.services import require
from qiao.core.teams import team_member_add

from .. import notifications as notices
from .. import stages
from ..errors import SalesError, TransitionRefused
from ..models import (
    PROCESS,
    Competitor,
    Opportunity,
    OpportunityEvent,
    Stage,
    StageKind,
    overdue_in_stage_q,
)
from . import steps
from .steps import ADMIN_CODE, SERVICE_FIELDS, Status


def _lock_open(opportunity: Opportunity, version: int | None, message: str) -> Opportunity:
    """The current row, locked, refused with `message` unless it is registered and still open."""
    return steps.lock_in_status(opportunity, version, (Status.APPROVED,), SalesError.NOT_OPEN, message)


def _require_not_locked(opportunity: Opportunity, *, allow_closed: bool = False) -> None:
    """A registration that failed with a clash may not be followed by its registrant (OPP-3); a
    closed one is finished; one waiting for review is being looked at."""
    if opportunity.status == Status.CLASH:
        raise TransitionRefused(
            _(
                "This registration failed because the customer is already held by someone else (撞单); "
                "it cannot be followed or changed. An administrator can override the clash."
            ),
            SalesError.CLASH_LOCKED,
        )
    if opportunity.status in (Status.WON, Status.LOST) and not allow_closed:
        raise TransitionRefused(
            _("This opportunity is closed (%(status)s); it can no longer be changed.")
            % {"status": opportunity.get_status_display()},
            SalesError.CLOSED,
        )
    if opportunity.status == Status.SUBMITTED:
        raise TransitionRefused(
            _("This registration is waiting for review; it can be changed once it is approved or returned."),
            SalesError.UNDER_REVIEW,
        )


# --- Following (OPP-5, OPP-8) ---------------------------------------------------------------------


@transaction.atomic
def opportunity_update(*, actor, opportunity: Opportunity, data: dict, version: int | None = None) -> Opportunity:
    """Edits the registration (draft, returned) or the follow-up data (registered); the expected
    signing date's changes are kept with who and when (OPP-5). After approval the customer it was
    registered for stays, except for an administrator: renaming it would dodge OPP-3."""
    require(actor, "edit", opportunity)
    _require_not_locked(opportunity)
    data = {name: value for name, value in data.items() if name not in SERVICE_FIELDS}
    if opportunity.status == Status.APPROVED and not actor.has_code(ADMIN_CODE):
        renamed = (
            "customer_name" in data and " ".join((data["customer_name"] or "").split()) != opportunity.customer_name
        )
        relinked = "customer" in data and getattr(data["customer"], "pk", None) != opportunity.customer_id
        if renamed or relinked:
            raise field_error(
                "customer_name" if renamed else "customer",
                _("A registered opportunity keeps its customer; ask an administrator to change it."),
                SalesError.REGISTRATION_LOCKED,
            )
    steps.check_contacts(data, data.get("customer", opportunity.customer))
    old_date = opportunity.expected_close_date
    updated = core_services.main_object_update(actor=actor, obj=opportunity, data=data, version=version)
    if "expected_close_date" in data and updated.expected_close_date != old_date:
        steps.event(
            updated,
            OpportunityEvent.Kind.EXPECTED_DATE,
            actor,
            old_date=old_date,
            new_date=updated.expected_close_date,
        )
    return updated


@transaction.atomic
def opportunity_move_stage(*, actor, opportunity: Opportunity, stage: Stage, version: int | None = None):
    """The kanban's drag and drop (OPP-4): a registered opportunity to another open stage. Its time
    in stage starts again (OPP-9); the funnel remembers the furthest stage it reached."""
    require(actor, "edit", opportunity)
    current = _lock_open(
        opportunity, version, _("Only a registered, open opportunity moves between stages; this one is “%(status)s”.")
    )
    if stage.org_id != current.org_id:
        raise field_error("stage", _("Unknown stage."), "invalid")
    if stage.kind != StageKind.OPEN:
        raise TransitionRefused(
            _("“%(stage)s” closes the opportunity: mark it won with its contract, or lost with a reason.")
            % {"stage": stage},
            SalesError.STAGE_NOT_OPEN,
        )
    if stage.pk == current.stage_id:
        return current
    previous = current.stage
    current.stage = stage
    current.stage_entered_at = timezone.now()
    current.max_stage_position = max(current.max_stage_position, stage.position)
    current.ageing_notified_at = None
    steps.save(current, actor)
    steps.event(current, OpportunityEvent.Kind.STAGE, actor, from_stage=previous, to_stage=stage)
    notices.send(
        "opportunity.stage_moved",
        users=[current.owner] if current.owner else [],
        opportunity=current,
        actor=actor,
        stage=stage.label_msgid,
    )
    return current


def _lock_followable(opportunity: Opportunity, *, allow_closed: bool = False) -> Opportunity:
    """The current row, locked (see _lock), refused unless competitors and the team may be changed:
    a concurrent close or clash waits for this change, or this change sees it and is refused."""
    current = steps.lock(opportunity, None)
    _require_not_locked(current, allow_closed=allow_closed)
    if current.status not in (Status.APPROVED, Status.WON, Status.LOST):
        raise TransitionRefused(
            _("Competitors and the team are kept once the registration is approved; this one is “%(status)s”.")
            % {"status": current.get_status_display()},
            SalesError.NOT_OPEN,
        )
    return current


@transaction.atomic
def competitor_save(*, actor, opportunity: Opportunity, data: dict, competitor: Competitor | None = None) -> Competitor:
    """A competitor met on the opportunity, with strengths and weaknesses (OPP-5)."""
    require(actor, "edit", opportunity)
    opportunity = _lock_followable(opportunity, allow_closed=True)
    if competitor is None:
        competitor = Competitor(org_id=opportunity.org_id, opportunity=opportunity, created_by=actor)
    elif competitor.opportunity_id != opportunity.pk:
        raise PermissionDenied
    for name in ("name", "strengths", "weaknesses"):
        if name in data:
            setattr(competitor, name, (data[name] or "").strip())
    if not competitor.name:
        raise field_error("name", _("Name the competitor."), SalesError.REQUIRED)
    competitor.full_clean(exclude=["org", "opportunity", "created_by"])
    competitor.save()
    return competitor


@transaction.atomic
def competitor_delete(*, actor, competitor: Competitor) -> None:
    require(actor, "edit", competitor.opportunity)
    _lock_followable(competitor.opportunity, allow_closed=True)
    competitor.delete()


@transaction.atomic
def opportunity_team_add(*, actor, opportunity: Opportunity, user, business_role: str = ""):
    """An employee joins the opportunity's team with a business role and lands on that role's
    stages, or without one on the stages without a role (PERM-12, core/teams.py); as a team member
    they become one of its related employees, so that they can open it."""
    require(actor, "edit", opportunity)
    opportunity = _lock_followable(opportunity)
    member = team_member_add(actor=actor, target=opportunity, user=user, process=PROCESS, business_role=business_role)
    related = list(opportunity.related_users.all())
    if user not in related:
        core_services.main_object_update(actor=actor, obj=opportunity, data={"related_users": [*related, user]})
    notices.send("opportunity.team_added", users=[user], opportunity=opportunity, actor=actor)
    return member


@transaction.atomic
def opportunity_team_remove(*, actor, opportunity: Opportunity, user) -> None:
    require(actor, "edit", opportunity)
    opportunity = _lock_followable(opportunity)
    opportunity.team.filter(user=user).delete()
    related = list(opportunity.related_users.all())
    if user in related:
        core_services.main_object_update(
            actor=actor, obj=opportunity, data={"related_users": [u for u in related if u != user]}
        )


# --- Closing (OPP-6) ------------------------------------------------------------------------------


@transaction.atomic
def opportunity_mark_won(*, actor, opportunity: Opportunity, contract: dict, version: int | None = None):
    """Closes a registered opportunity as won; the contract (CON-1) is entered in the same
    transaction, or nothing happens. Returns (opportunity, contract)."""
    from qiao.contracts.services import contract_create
    from qiao.customers.models import Customer

    require(actor, "edit", opportunity)
    current = _lock_open(
        opportunity, version, _("Only a registered, open opportunity can be won; this one is “%(status)s”.")
    )
    if not contract:
        raise field_error("contract", _("A won opportunity needs its contract."), SalesError.CONTRACT_REQUIRED)
    if current.customer is None:
        raise TransitionRefused(
            _("The opportunity has no customer record any more; an administrator links one first."),
            SalesError.NO_CUSTOMER,
        )
    signed = contract_create(
        actor=actor,
        data={
            **contract,
            "customer": current.customer,
            "opportunity": current,
            "owner": current.owner,
            "owner_department": current.owner_department,
            "related_users": list(current.related_users.all()),
            "related_departments": list(current.related_departments.all()),
        },
    )
    now = timezone.now()
    won = stages.won_stage(current.org_id)
    previous = current.stage
    current.status = Status.WON
    current.stage = won
    current.stage_entered_at = now
    current.max_stage_position = max(current.max_stage_position, won.position)
    current.closed_at = now
    current.amount = signed.amount
    current.currency = signed.currency
    steps.save(current, actor)
    # A deal: the customer stays out of the public pool's "no deal" return (CUS-12).
    Customer.objects.filter(pk=current.customer_id).update(last_deal_at=now)
    steps.event(current, OpportunityEvent.Kind.WON, actor, from_stage=previous, to_stage=won, note=signed.number)
    notices.send(
        "opportunity.won", users=notices.registrants(current), opportunity=current, actor=actor, contract=signed.number
    )
    return current, signed


@transaction.atomic
def opportunity_mark_lost(
    *,
    actor,
    opportunity: Opportunity,
    reason: str,
    competitor: Competitor | None = None,
    competitor_name: str = "",
    version: int | None = None,
) -> Opportunity:
    """Closes a registered opportunity as lost, with the reason and, when known, the competitor who
    won it (one of those met, or a new one, OPP-6)."""
    require(actor, "edit", opportunity)
    reason = steps.require_reason(reason)
    current = _lock_open(
        opportunity, version, _("Only a registered, open opportunity can be lost; this one is “%(status)s”.")
    )
    if competitor is not None and competitor.opportunity_id != current.pk:
        raise field_error("competitor", _("Choose one of this opportunity's competitors."), "invalid")
    winner = competitor.name if competitor is not None else " ".join((competitor_name or "").split())[:200]
    if winner and competitor is None:
        Competitor.objects.get_or_create(
            org_id=current.org_id, opportunity=current, name=winner, defaults={"created_by": actor}
        )
    now = timezone.now()
    lost = stages.lost_stage(current.org_id)
    previous = current.stage
    current.status = Status.LOST
    current.stage = lost
    current.stage_entered_at = now
    current.closed_at = now
    current.lost_reason = reason
    current.lost_to = winner
    steps.save(current, actor)
    steps.event(current, OpportunityEvent.Kind.LOST, actor, from_stage=previous, to_stage=lost, note=reason)
    notices.send(
        "opportunity.lost", users=notices.registrants(current), opportunity=current, actor=actor, reason=reason
    )
    return current


# --- Stage ageing (OPP-9), run by the worker ------------------------------------------------------


def stage_ageing_remind_as_system(*, now=None) -> int:
    """Reminds the owner and their manager, once per stay in a stage, of every registered
    opportunity longer in its stage than the stage allows. Each opportunity is claimed with one
    conditional UPDATE, so two workers never remind twice. Returns how many were reminded."""
    now = now or timezone.now()
    reminded = 0
    for stage in Stage.objects.filter(kind=StageKind.OPEN, ageing_limit_days__isnull=False).order_by("pk"):
        # The badge's rule (`Opportunity.is_overdue_in_stage`): more than the limit in whole days.
        overdue = (
            Opportunity.objects.filter(overdue_in_stage_q(stage, now))
            .filter(status=Status.APPROVED, ageing_notified_at__isnull=True)
            .select_related("owner__department", "stage")
        )
        for opportunity in overdue.iterator(chunk_size=500):
            with transaction.atomic():
                claimed = Opportunity.objects.filter(
                    pk=opportunity.pk, stage=stage, status=Status.APPROVED, ageing_notified_at__isnull=True
                ).update(ageing_notified_at=now)
                if not claimed:
                    continue
                days = (now - opportunity.stage_entered_at).days
                steps.event(opportunity, OpportunityEvent.Kind.AGEING, note=str(days))
                notices.send(
                    "opportunity.ageing",
                    users=[opportunity.owner, *notices.managers_as_system(opportunity)],
                    opportunity=opportunity,
                    stage=stage.label_msgid,
                    days=days,
                    limit=stage.ageing_limit_days,
                    owner=opportunity.owner.get_full_name() if opportunity.owner else "",
                )
                reminded += 1
    return reminded
