"""Sales stages as data (OPP-4): the seed's funnel for every new organization, and the services an
administrator (`org.manage`) uses to rename, re-weight, re-order, add and remove stages. Each stage
is also a core ProcessStage of the process "opportunity", which carries its business role for the
team (PERM-12)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from qiao.core.forms import field_error
from qiao.core.models import ProcessStage
from qiao.org.services import require_code

from .errors import SalesError, TransitionRefused
from .models import DEFAULT_STAGES, PROCESS, Opportunity, OpportunityEvent, Stage, StageKind

STAGE_FIELDS = ("name", "kind", "position", "probability", "ageing_limit_days")


def stages_of(org_id: int) -> list[Stage]:
    return list(Stage.objects.filter(org_id=org_id).select_related("process_stage").order_by("position", "pk"))


def open_stages(org_id: int) -> list[Stage]:
    return [stage for stage in stages_of(org_id) if stage.kind == StageKind.OPEN]


def _stage_of_kind(org_id: int, kind: str) -> Stage:
    stage = Stage.objects.filter(org_id=org_id, kind=kind).order_by("position", "pk").first()
    if stage is None:
        raise TransitionRefused(
            _("The organization has no “%(kind)s” sales stage; an administrator sets up the stages first.")
            % {"kind": StageKind(kind).label},
            SalesError.NO_STAGES,
        )
    return stage


def first_open_stage(org_id: int) -> Stage:
    return _stage_of_kind(org_id, StageKind.OPEN)


def won_stage(org_id: int) -> Stage:
    return _stage_of_kind(org_id, StageKind.WON)


def lost_stage(org_id: int) -> Stage:
    return _stage_of_kind(org_id, StageKind.LOST)


@transaction.atomic
def default_stages_create(*, organization) -> list[Stage]:
    """The seed's funnel (target customer → … → signed, and closed-lost) for an organization that
    has no stages yet; an organization that has some keeps them."""
    if Stage.objects.filter(org=organization).exists():
        return stages_of(organization.pk)
    created = []
    for position, (code, _label, kind, probability, ageing_limit, role) in enumerate(DEFAULT_STAGES, start=1):
        process_stage = ProcessStage.objects.create(
            org=organization, process=PROCESS, name=code, position=position, business_role=role
        )
        created.append(
            Stage.objects.create(
                org=organization,
                code=code,
                kind=kind,
                position=position * 10,
                probability=probability,
                ageing_limit_days=ageing_limit,
                process_stage=process_stage,
            )
        )
    return created


def _validate(stage: Stage, business_role: str) -> None:
    errors = {}
    if not stage.code and not stage.name.strip():
        errors["name"] = ValidationError(_("Give the stage a name."), code=SalesError.REQUIRED)
    label = stage.name.strip() or stage.code
    clash = Stage.objects.filter(org_id=stage.org_id).exclude(pk=stage.pk)
    if any(str(other).casefold() == label.casefold() or other.label_msgid == label for other in clash):
        errors["name"] = ValidationError(
            _("Another stage is called “%(name)s”.") % {"name": label}, code=SalesError.STAGE_NAME_TAKEN
        )
    if stage.kind == StageKind.WON and stage.probability != 100:
        errors["probability"] = ValidationError(_("A won stage has a win probability of 100 %."), code="invalid")
    if stage.kind == StageKind.LOST and stage.probability != 0:
        errors["probability"] = ValidationError(_("A lost stage has a win probability of 0 %."), code="invalid")
    if errors:
        raise ValidationError(errors)
    stage.name = stage.name.strip()
    stage.full_clean(exclude=["org", "process_stage"])
    if len(business_role) > 100:
        raise field_error("business_role", _("A business role has at most 100 characters."), "invalid")


@transaction.atomic
def stage_create(*, actor, data: dict) -> Stage:
    require_code(actor, "org.manage")
    business_role = (data.get("business_role", "") or "").strip()
    data = {name: data[name] for name in STAGE_FIELDS if name in data}
    if "position" not in data:
        data["position"] = (Stage.objects.filter(org_id=actor.org_id).aggregate(top=Max("position"))["top"] or 0) + 10
    stage = Stage(org_id=actor.org_id, **data)
    _validate(stage, business_role)
    stage.process_stage = ProcessStage.objects.create(
        org_id=actor.org_id,
        process=PROCESS,
        name=f"stage-{uuid.uuid4().hex}",  # an internal key; people read the sales stage's name
        position=min(stage.position, 32767),
        business_role=business_role,
    )
    stage.save()
    return stage


@transaction.atomic
def stage_update(*, actor, stage: Stage, data: dict) -> Stage:
    """Renaming, re-weighting, re-ordering; an open stage that holds opportunities keeps its kind."""
    require_code(actor, "org.manage")
    stage = Stage.objects.select_for_update().select_related("process_stage").get(pk=stage.pk, org_id=actor.org_id)
    business_role = (data.get("business_role", stage.business_role) or "").strip()
    new_kind = data.get("kind", stage.kind)
    if new_kind != stage.kind and Opportunity.all_objects.filter(stage=stage).exists():
        raise field_error(
            "kind",
            _("Opportunities are in this stage; move them before changing what kind of stage it is."),
            SalesError.STAGE_IN_USE,
        )
    for name in STAGE_FIELDS:
        if name in data:
            setattr(stage, name, data[name])
    _validate(stage, business_role)
    stage.save()
    process_stage = stage.process_stage
    process_stage.business_role = business_role
    process_stage.position = min(stage.position, 32767)
    process_stage.save(update_fields=["business_role", "position"])
    return stage


def stage_in_history(stage: Stage) -> bool:
    """Whether any opportunity's timeline names the stage: a move from or to it, or (through the
    stage moves) a stay in it that has ended since."""
    return OpportunityEvent.objects.filter(Q(from_stage=stage) | Q(to_stage=stage)).exists()


@transaction.atomic
def stage_delete(*, actor, stage: Stage) -> None:
    """Only a stage no opportunity was ever in can go: none is in it now (not even one in the
    recycle bin) and no opportunity's timeline (its stage-change events) names it. The funnel's
    history would lose its place otherwise."""
    require_code(actor, "org.manage")
    stage = Stage.objects.select_for_update().get(pk=stage.pk, org_id=actor.org_id)
    if Opportunity.all_objects.filter(stage=stage).exists() or stage_in_history(stage):
        raise field_error(
            "stage",
            _("Opportunities are or were in the stage “%(stage)s”; rename it instead of removing it.")
            % {"stage": stage},
            SalesError.STAGE_IN_USE,
        )
    remaining = Stage.objects.filter(org_id=actor.org_id, kind=stage.kind).exclude(pk=stage.pk)
    if not remaining.exists():
        raise field_error(
            "stage",
            _("The funnel needs at least one “%(kind)s” stage.") % {"kind": StageKind(stage.kind).label},
            SalesError.NO_STAGES,
        )
    process_stage = stage.process_stage
    stage.delete()
    process_stage.delete()
