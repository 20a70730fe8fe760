"""What every opportunity service shares: the fields only services set, the locked read of the
current row with its version check, the save that bumps the version, the event trail and the
common refusals."""

from django.utils.translation import gettext as _

from qiao.core.forms import field_error
from qiao.core.services import StaleVersion

from ..errors import SalesError, TransitionRefused
from ..models import (
    Opportunity,
    OpportunityEvent,
    OpportunityStatus,
)

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


def lock(opportunity: Opportunity, version: int | None) -> Opportunity:
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


def save(opportunity: Opportunity, actor) -> None:
    opportunity.version += 1
    opportunity._history_user = actor
    opportunity.save()


def event(opportunity: Opportunity, kind: str, actor=None, **fields) -> OpportunityEvent:
    return OpportunityEvent.objects.create(
        org_id=opportunity.org_id, opportunity=opportunity, kind=kind, actor=actor, **fields
    )


def _require_status(opportunity: Opportunity, allowed: tuple, code: SalesError, message: str) -> None:
    if opportunity.status not in allowed:
        raise TransitionRefused(message % {"status": opportunity.get_status_display()}, code)


def lock_in_status(
    opportunity: Opportunity, version: int | None, allowed: tuple, code: SalesError, message: str
) -> Opportunity:
    """The current row, locked (see lock), refused with `message` unless its status is one of `allowed`:
    every transition checks the status on the locked row, so two concurrent ones cannot both pass."""
    current = lock(opportunity, version)
    _require_status(current, allowed, code, message)
    return current


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise field_error(field, _("Give a reason."), SalesError.REASON_REQUIRED)
    return reason


def check_contacts(data: dict, customer) -> None:
    contacts = data.get("contacts")
    if not contacts:
        return
    if customer is None or any(contact.customer_id != customer.pk for contact in contacts):
        raise field_error(
            "contacts", _("Choose contacts of the opportunity's customer."), SalesError.CONTACT_NOT_OF_CUSTOMER
        )
