"""Registration (OPP-1), duplicate registration (OPP-3) and review (OPP-2): from the six facts of a
registration to an approved opportunity, or a clash an administrator may override."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.forms import field_error
from qiao.core.permissions import can
from qiao.core.services import require
from qiao.customers import chinese

from .. import matching, stages
from .. import notifications as notices
from ..errors import SalesError
from ..models import (
    REGISTRATION_FIELDS,
    Opportunity,
    OpportunityClash,
    OpportunityEvent,
)
from . import steps
from .steps import ADMIN_CODE, SERVICE_FIELDS, Status

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


def _require_reviewer(actor, opportunity: Opportunity) -> None:
    require(actor, "view", opportunity)
    if not actor.has_code(notices.REVIEW_CODE):
        raise PermissionDenied(
            _("Reviewing registrations needs the permission “%(code)s” (sales managers and assistants).")
            % {"code": notices.REVIEW_CODE}
        )
    if actor.pk in (opportunity.created_by_id, opportunity.owner_id) and not actor.has_code(ADMIN_CODE):
        raise PermissionDenied(_("You cannot review your own registration; another sales manager or assistant does."))


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
    steps.check_contacts(data, customer)
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
        steps.event(opportunity, OpportunityEvent.Kind.REGISTERED, actor)
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
    steps.save(opportunity, actor)
    _tell_clash(actor, opportunity, clashes, found)


def _tell_clash(actor, opportunity: Opportunity, clashes: list[matching.Clash], found: str) -> None:
    from qiao.org.models import User

    _record_clashes(opportunity, clashes, found)
    holders = {user.pk: user for user in User.objects.filter(pk__in={clash.owner_id for clash in clashes})}
    holder_names = "、".join(holders[pk].get_full_name() for pk in sorted(holders))
    registrant = opportunity.created_by or opportunity.owner
    steps.event(opportunity, OpportunityEvent.Kind.CLASH, actor, note=holder_names)
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
    steps.save(opportunity, actor)
    _tell_submitted(actor, opportunity)


def _tell_submitted(actor, opportunity: Opportunity) -> None:
    steps.event(opportunity, OpportunityEvent.Kind.SUBMITTED, actor)
    notices.send(
        "opportunity.submitted", users=notices.reviewers_as_system(opportunity), opportunity=opportunity, actor=actor
    )


def _submit_from(status: str, code: SalesError, message: str, *, actor, opportunity, version) -> Opportunity:
    """Submitting and resubmitting differ only in the status the registration leaves."""
    require(actor, "edit", opportunity)
    current = steps.lock_in_status(opportunity, version, (status,), code, message)
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
    steps.save(opportunity, actor)
    if new_contact is not None:
        opportunity.contacts.add(new_contact)


@transaction.atomic
def opportunity_approve(*, actor, opportunity: Opportunity, version: int | None = None) -> Opportunity:
    """A sales manager or assistant approves a registration waiting for review (OPP-2), after the
    duplicate check runs again (OPP-3): a clash found now fails the registration instead — the
    returned opportunity's status says which happened."""
    _require_reviewer(actor, opportunity)
    current = steps.lock_in_status(
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
    steps.event(current, OpportunityEvent.Kind.APPROVED, actor)
    notices.send("opportunity.approved", users=notices.registrants(current), opportunity=current, actor=actor)
    return current


@transaction.atomic
def opportunity_return(*, actor, opportunity: Opportunity, reason: str, version: int | None = None) -> Opportunity:
    """Back to the registrant for correction, with the reason they will read (OPP-2)."""
    _require_reviewer(actor, opportunity)
    reason = steps.require_reason(reason)
    current = steps.lock_in_status(
        opportunity,
        version,
        (Status.SUBMITTED,),
        SalesError.NOT_SUBMITTED,
        _("Only a registration waiting for review can be returned; this one is “%(status)s”."),
    )
    current.status = Status.RETURNED
    current.return_reason = reason
    current.reviewed_by, current.reviewed_at = actor, timezone.now()
    steps.save(current, actor)
    steps.event(current, OpportunityEvent.Kind.RETURNED, actor, note=reason)
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
    reason = steps.require_reason(reason)
    current = steps.lock_in_status(
        opportunity,
        version,
        (Status.CLASH,),
        SalesError.NOT_CLASH,
        _("Only a registration that failed with a clash can be overridden; this one is “%(status)s”."),
    )
    current.override_reason = reason
    current.overridden_by = actor
    _register(actor, current, matching.matches_as_system(current))
    steps.event(current, OpportunityEvent.Kind.OVERRIDDEN, actor, note=reason)
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
