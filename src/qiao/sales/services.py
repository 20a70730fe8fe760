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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.forms import field_error
from qiao.core.permissions import can
from qiao.core.services import StaleVersion, require
from qiao.core.teams import team_member_add
from qiao.customers import chinese

from . import matching, stages
from . import notifications as notices
from .errors import SalesError, TransitionRefused
from .models import (
    PROCESS,
    REGISTRATION_FIELDS,
    Competitor,
    Opportunity,
    OpportunityClash,
    OpportunityEvent,
    OpportunityStatus,
    Stage,
    StageKind,
    overdue_in_stage_q,
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

Status = OpportunityStatus
ADMIN_CODE = "org.manage"
# Kept by the services; never taken from a form or an API body.
SERVICE_FIELDS = frozenset(
    {
        "status",
        "stage",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "return_reason",
        "registered_at",
        "override_reason",
        "overridden_by",
        "closed_at",
        "lost_reason",
        "lost_to",
    }
)


# --- The registration's facts (OPP-1), on every create and update --------------------------------


def prepare_opportunity(record: Opportunity) -> None:
    """The prepare hook of the opportunity type (core/services.py runs it on every create and
    update): the six facts of a registration are all required, and all missing ones are named in
    one error (OPP-1); the phone is normalized; the duplicate keys are derived."""
    errors = {}
    for name in REGISTRATION_FIELDS:
        value = getattr(record, name) or ""
        value = " ".join(value.split()) if name != "description" else value.strip()
        setattr(record, name, value)
        if not value:
            label = capfirst(Opportunity._meta.get_field(name).verbose_name)
            # Django's own "This field is required." is translated in every language Django
            # speaks; the label names the field in the message as well as in the key.
            errors[name] = ValidationError(
                f"{label}: {_('This field is required.')}",
                code=SalesError.REQUIRED,
            )
    if record.phone:
        normalized = chinese.normalize_phone(record.phone)
        if normalized is None:
            errors["phone"] = ValidationError(
                _("“%(value)s” is not a valid phone number. Write it like 138 1234 5678 or 0571 8888 6666.")
                % {"value": record.phone},
                code=SalesError.INVALID_PHONE,
            )
        else:
            record.phone = normalized
    if errors:
        raise ValidationError(errors)
    record.currency = (record.currency or "CNY").upper()
    record.name_key, record.phone_digits = matching.registration_keys(
        customer_name=record.customer_name, phone=record.phone
    )


# --- Shared steps --------------------------------------------------------------------------------


def _lock(opportunity: Opportunity, version: int | None) -> Opportunity:
    """The current row, locked until the transaction ends; StaleVersion when it is no longer the
    version the caller read (or it went to the recycle bin)."""
    current = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("stage", "owner", "created_by", "customer")
        .filter(pk=opportunity.pk)
        .first()
    )
    if current is None or (version is not None and current.version != version):
        raise StaleVersion
    return current


def _save(opportunity: Opportunity, actor) -> None:
    opportunity.version += 1
    opportunity._history_user = actor
    opportunity.save()


def _event(opportunity: Opportunity, kind: str, actor=None, **fields) -> OpportunityEvent:
    return OpportunityEvent.objects.create(
        org_id=opportunity.org_id, opportunity=opportunity, kind=kind, actor=actor, **fields
    )


def _require_status(opportunity: Opportunity, allowed: tuple, code: SalesError, message: str) -> None:
    if opportunity.status not in allowed:
        raise TransitionRefused(message % {"status": opportunity.get_status_display()}, code)


def _lock_in_status(
    opportunity: Opportunity, version: int | None, allowed: tuple, code: SalesError, message: str
) -> Opportunity:
    """The current row, locked (see _lock), refused with `message` unless its status is one of `allowed`:
    every transition checks the status on the locked row, so two concurrent ones cannot both pass."""
    current = _lock(opportunity, version)
    _require_status(current, allowed, code, message)
    return current


def _require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise field_error(field, _("Give a reason."), SalesError.REASON_REQUIRED)
    return reason


def _require_reviewer(actor, opportunity: Opportunity) -> None:
    require(actor, "view", opportunity)
    if not actor.has_code(notices.REVIEW_CODE):
        raise PermissionDenied(
            _("Reviewing registrations needs the permission “%(code)s” (sales managers and assistants).")
            % {"code": notices.REVIEW_CODE}
        )
    if actor.pk in (opportunity.created_by_id, opportunity.owner_id) and not actor.has_code(ADMIN_CODE):
        raise PermissionDenied(_("You cannot review your own registration; another sales manager or assistant does."))


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


def _check_contacts(data: dict, customer) -> None:
    contacts = data.get("contacts")
    if not contacts:
        return
    if customer is None or any(contact.customer_id != customer.pk for contact in contacts):
        raise field_error(
            "contacts", _("Choose contacts of the opportunity's customer."), SalesError.CONTACT_NOT_OF_CUSTOMER
        )


# --- Registration (OPP-1) and duplicate registration (OPP-3) --------------------------------------


@transaction.atomic
def opportunity_register(*, actor, data: dict, submit: bool = True) -> Opportunity:
    """Registers an opportunity with its six facts (OPP-1) and, unless kept as a draft, submits it
    for review at once: checked for duplicate registration first, it then waits for review, or
    fails with a clash (OPP-3). With a customer record the facts it lacks come from the record.
    The check runs before the insert, so that a registration is written once, in its outcome."""
    core_services.require_add(actor, Opportunity)
    data = {name: value for name, value in data.items() if name not in SERVICE_FIELDS}
    if data.get("owner_department") is None:
        data.pop("owner_department", None)  # an empty choice: the owner's department (PERM-2)
    customer = data.get("customer")
    if customer is not None:
        if customer.org_id != actor.org_id or not can(actor, "view", customer):
            raise field_error("customer", _("Unknown customer."), "invalid")
        data["customer_name"] = data.get("customer_name") or customer.name
        data["phone"] = data.get("phone") or customer.phone or customer.mobile
        data["source"] = data.get("source") or customer.source
    _check_contacts(data, customer)
    stage = stages.first_open_stage(actor.org_id)
    outcome = {"status": Status.DRAFT, "stage": stage}
    clashes = []
    if submit:
        probe = Opportunity(org_id=actor.org_id, owner=data.get("owner") or actor, customer=customer)
        for name in REGISTRATION_FIELDS:
            setattr(probe, name, data.get(name) or "")
        prepare_opportunity(probe)  # every missing fact named, before anything is looked up
        clashes = matching.clashes_as_system(probe)
        outcome = {
            "status": Status.CLASH if clashes else Status.SUBMITTED,
            "stage": stage,
            "submitted_at": timezone.now(),
        }
    opportunity = core_services.main_object_create(actor=actor, model=Opportunity, data={**data, **outcome})
    if not submit:
        _event(opportunity, OpportunityEvent.Kind.REGISTERED, actor)
        return opportunity
    if clashes:
        _tell_clash(actor, opportunity, clashes, OpportunityClash.Found.REGISTRATION)
    else:
        _tell_submitted(actor, opportunity)
    return opportunity


def _record_clashes(opportunity: Opportunity, clashes: list[matching.Clash], found: str) -> None:
    OpportunityClash.objects.bulk_create(
        OpportunityClash(
            org_id=opportunity.org_id,
            opportunity=opportunity,
            matched_type=clash.match.type,
            matched_id=clash.match.id,
            matched_name=clash.match.name[:300],
            matched_owner_id=clash.owner_id,
            score=clash.match.score,
            reasons=[str(reason) for reason in clash.match.reasons],
            found=found,
        )
        for clash in clashes
    )


def _fail_with_clash(actor, opportunity: Opportunity, clashes: list[matching.Clash], found: str) -> None:
    """The registration fails (OPP-3): it is not approved, its registrant may not follow it, and the
    existing owners and the reviewers hear of it."""
    opportunity.status = Status.CLASH
    _save(opportunity, actor)
    _tell_clash(actor, opportunity, clashes, found)


def _tell_clash(actor, opportunity: Opportunity, clashes: list[matching.Clash], found: str) -> None:
    from qiao.org.models import User

    _record_clashes(opportunity, clashes, found)
    holders = {user.pk: user for user in User.objects.filter(pk__in={clash.owner_id for clash in clashes})}
    holder_names = "、".join(holders[pk].get_full_name() for pk in sorted(holders))
    registrant = opportunity.created_by or opportunity.owner
    _event(opportunity, OpportunityEvent.Kind.CLASH, actor, note=holder_names)
    notices.send(
        "opportunity.clash",
        users=[*notices.registrants(opportunity), *notices.reviewers_as_system(opportunity)],
        opportunity=opportunity,
        actor=actor,
        registrant=registrant.get_full_name() if registrant else "",
        holders=holder_names,
    )
    for clash in clashes:
        target = _matched_record_as_system(clash.match)
        if target is None:
            continue
        notices.send(
            "opportunity.clash_owner",
            users=[holders[clash.owner_id]],
            opportunity=opportunity,
            actor=actor,
            target=target,
            registrant=registrant.get_full_name() if registrant else "",
            type=notices.TYPE_MSGIDS.get(clash.match.type, clash.match.type),
            matched=clash.match.name,
        )


def _matched_record_as_system(match):
    from qiao.customers.models import Customer, Lead

    model = {"customer": Customer, "lead": Lead, "opportunity": Opportunity}.get(match.type)
    return model.objects.filter(pk=match.id).first() if model else None


def _submit(actor, opportunity: Opportunity) -> None:
    clashes = matching.clashes_as_system(opportunity)
    opportunity.submitted_at = timezone.now()
    if clashes:
        _fail_with_clash(actor, opportunity, clashes, OpportunityClash.Found.REGISTRATION)
        return
    opportunity.status = Status.SUBMITTED
    _save(opportunity, actor)
    _tell_submitted(actor, opportunity)


def _tell_submitted(actor, opportunity: Opportunity) -> None:
    _event(opportunity, OpportunityEvent.Kind.SUBMITTED, actor)
    notices.send(
        "opportunity.submitted", users=notices.reviewers_as_system(opportunity), opportunity=opportunity, actor=actor
    )


def _submit_from(status: str, code: SalesError, message: str, *, actor, opportunity, version) -> Opportunity:
    """Submitting and resubmitting differ only in the status the registration leaves."""
    require(actor, "edit", opportunity)
    current = _lock_in_status(opportunity, version, (status,), code, message)
    _submit(actor, current)
    return current


@transaction.atomic
def opportunity_submit(*, actor, opportunity: Opportunity, version: int | None = None) -> Opportunity:
    """A draft goes to review, after the duplicate check (OPP-3)."""
    return _submit_from(
        Status.DRAFT,
        SalesError.NOT_DRAFT,
        _("Only a draft can be submitted; this registration is “%(status)s”."),
        actor=actor,
        opportunity=opportunity,
        version=version,
    )


@transaction.atomic
def opportunity_resubmit(*, actor, opportunity: Opportunity, version: int | None = None) -> Opportunity:
    """A returned registration, corrected, goes back to review, checked for duplicates again."""
    return _submit_from(
        Status.RETURNED,
        SalesError.NOT_RETURNED,
        _("Only a registration returned for correction can be resubmitted; this one is “%(status)s”."),
        actor=actor,
        opportunity=opportunity,
        version=version,
    )


# --- Review (OPP-2) and the clash override (OPP-3) ------------------------------------------------


def _customer_create_as_system(actor, opportunity: Opportunity):
    """An approved registration of a customer new to the archive enters it (seed 002: 录入 … 商机管理
    和客户资料中), owned like the opportunity, with the registration's contact as primary contact.
    Done as the system: the reviewer approves the registration, not the customer's relations."""
    from qiao.customers.models import Contact, Customer
    from qiao.customers.services import prepare_customer

    digits = chinese.digits(opportunity.phone)
    phone_field = "mobile" if len(digits) == 11 and digits.startswith("1") else "phone"
    region = chinese.parse_address(opportunity.region) if opportunity.region else None
    customer = Customer(
        org_id=opportunity.org_id,
        owner_id=opportunity.owner_id,
        owner_department_id=opportunity.owner_department_id,
        created_by=actor,
        name=opportunity.customer_name,
        source=opportunity.source,
        lifecycle="prospect",
        tenure="future",
        province=region.province if region else "",
        city=region.city if region else "",
        district=region.district if region else "",
        **{phone_field: opportunity.phone},
    )
    prepare_customer(customer)
    customer.full_clean(exclude=["org", "version", "deleted_at", "deleted_by", "created_by"])
    customer._history_user = actor
    customer.save()
    contact = Contact(
        org_id=opportunity.org_id,
        customer=customer,
        name=opportunity.contact_name[:60],
        is_primary=True,
        phone_digits=digits,
        name_pinyin="".join(chinese.pinyin_keys(opportunity.contact_name)),
        **{phone_field: opportunity.phone},
    )
    contact.full_clean(exclude=["org", "customer", "version", "deleted_at", "deleted_by"])
    contact.save()
    return customer, contact


def _register(actor, opportunity: Opportunity, matches) -> None:
    """Approved: registered, at the funnel's first stage, with its customer record (OPP-2)."""
    now = timezone.now()
    stage = stages.first_open_stage(opportunity.org_id)
    new_contact = None
    customer = matching.own_customer_as_system(opportunity, matches)
    if customer is None:
        customer, new_contact = _customer_create_as_system(actor, opportunity)
    opportunity.customer = customer
    opportunity.status = Status.APPROVED
    opportunity.registered_at = now
    opportunity.reviewed_by, opportunity.reviewed_at = actor, now
    opportunity.stage = stage
    opportunity.stage_entered_at = now
    opportunity.max_stage_position = max(opportunity.max_stage_position, stage.position)
    opportunity.ageing_notified_at = None
    _save(opportunity, actor)
    if new_contact is not None:
        opportunity.contacts.add(new_contact)


@transaction.atomic
def opportunity_approve(*, actor, opportunity: Opportunity, version: int | None = None) -> Opportunity:
    """A sales manager or assistant approves a registration waiting for review (OPP-2), after the
    duplicate check runs again (OPP-3): a clash found now fails the registration instead — the
    returned opportunity's status says which happened."""
    _require_reviewer(actor, opportunity)
    current = _lock_in_status(
        opportunity,
        version,
        (Status.SUBMITTED,),
        SalesError.NOT_SUBMITTED,
        _("Only a registration waiting for review can be approved; this one is “%(status)s”."),
    )
    matches = matching.matches_as_system(current)
    clashes = matching.clashes_as_system(current, matches)
    if clashes:
        current.reviewed_by, current.reviewed_at = actor, timezone.now()
        _fail_with_clash(actor, current, clashes, OpportunityClash.Found.REVIEW)
        return current
    _register(actor, current, matches)
    _event(current, OpportunityEvent.Kind.APPROVED, actor)
    notices.send("opportunity.approved", users=notices.registrants(current), opportunity=current, actor=actor)
    return current


@transaction.atomic
def opportunity_return(*, actor, opportunity: Opportunity, reason: str, version: int | None = None) -> Opportunity:
    """Back to the registrant for correction, with the reason they will read (OPP-2)."""
    _require_reviewer(actor, opportunity)
    reason = _require_reason(reason)
    current = _lock_in_status(
        opportunity,
        version,
        (Status.SUBMITTED,),
        SalesError.NOT_SUBMITTED,
        _("Only a registration waiting for review can be returned; this one is “%(status)s”."),
    )
    current.status = Status.RETURNED
    current.return_reason = reason
    current.reviewed_by, current.reviewed_at = actor, timezone.now()
    _save(current, actor)
    _event(current, OpportunityEvent.Kind.RETURNED, actor, note=reason)
    notices.send(
        "opportunity.returned", users=notices.registrants(current), opportunity=current, actor=actor, reason=reason
    )
    return current


@transaction.atomic
def opportunity_override_clash(*, actor, opportunity: Opportunity, reason: str, version: int | None = None):
    """An administrator registers a registration that failed with a clash, for a reason that is
    recorded and told to the registrant and the existing owners (OPP-3)."""
    require(actor, "view", opportunity)
    if not actor.has_code(ADMIN_CODE):
        raise PermissionDenied(
            _("Only an administrator (permission “%(code)s”) can override a clash.") % {"code": ADMIN_CODE}
        )
    reason = _require_reason(reason)
    current = _lock_in_status(
        opportunity,
        version,
        (Status.CLASH,),
        SalesError.NOT_CLASH,
        _("Only a registration that failed with a clash can be overridden; this one is “%(status)s”."),
    )
    current.override_reason = reason
    current.overridden_by = actor
    _register(actor, current, matching.matches_as_system(current))
    _event(current, OpportunityEvent.Kind.OVERRIDDEN, actor, note=reason)
    from qiao.org.models import User

    holders = User.objects.filter(pk__in=current.clashes.values("matched_owner"))
    notices.send(
        "opportunity.overridden",
        users=[*notices.registrants(current), *holders],
        opportunity=current,
        actor=actor,
        reason=reason,
    )
    return current


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
    _check_contacts(data, data.get("customer", opportunity.customer))
    old_date = opportunity.expected_close_date
    updated = core_services.main_object_update(actor=actor, obj=opportunity, data=data, version=version)
    if "expected_close_date" in data and updated.expected_close_date != old_date:
        _event(
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
    current = _lock_in_status(
        opportunity,
        version,
        (Status.APPROVED,),
        SalesError.NOT_OPEN,
        _("Only a registered, open opportunity moves between stages; this one is “%(status)s”."),
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
    _save(current, actor)
    _event(current, OpportunityEvent.Kind.STAGE, actor, from_stage=previous, to_stage=stage)
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
    current = _lock(opportunity, None)
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
    current = _lock_in_status(
        opportunity,
        version,
        (Status.APPROVED,),
        SalesError.NOT_OPEN,
        _("Only a registered, open opportunity can be won; this one is “%(status)s”."),
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
    _save(current, actor)
    # A deal: the customer stays out of the public pool's "no deal" return (CUS-12).
    Customer.objects.filter(pk=current.customer_id).update(last_deal_at=now)
    _event(current, OpportunityEvent.Kind.WON, actor, from_stage=previous, to_stage=won, note=signed.number)
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
    reason = _require_reason(reason)
    current = _lock_in_status(
        opportunity,
        version,
        (Status.APPROVED,),
        SalesError.NOT_OPEN,
        _("Only a registered, open opportunity can be lost; this one is “%(status)s”."),
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
    _save(current, actor)
    _event(current, OpportunityEvent.Kind.LOST, actor, from_stage=previous, to_stage=lost, note=reason)
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
                _event(opportunity, OpportunityEvent.Kind.AGEING, note=str(days))
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
