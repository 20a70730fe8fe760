"""Normalizing a lead (the lead type's `prepare`), its statuses and the follow-up cadence (LEAD-1,
LEAD-2): allowed status changes, overdue follow-ups, and activities counted as contacts."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.activities.models import Activity
from qiao.core import services as core_services
from qiao.core.forms import field_error

from .. import chinese
from .. import services as customer_services
from ..errors import CustomerError
from ..models import Lead, LeadStatus
from .errors import LeadError

# --- Normalizing (registered as the lead type's `prepare`, run by every create and update) -------


def prepare_lead(lead: Lead) -> None:
    errors = {}
    customer_services._phone_or_error(lead, "phone", errors)
    if errors:
        raise ValidationError(errors)
    lead.name = " ".join(lead.name.split())
    lead.company = " ".join(lead.company.split())
    customer_services.fill_address(lead)
    lead.name_pinyin, lead.name_initials = chinese.pinyin_keys(f"{lead.name} {lead.company}")
    lead.name_key = chinese.company_name_key(lead.company or lead.name)
    lead.phone_digits = chinese.phone_digits(lead.phone)
    if lead.next_follow_up_at is None and lead.status in OPEN_STATUSES:
        lead.next_follow_up_at = next_follow_up(lead)


# --- Status and the follow-up cadence (LEAD-1, LEAD-2) -------------------------------------------

OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.HOT)

# "new" is only where a lead starts; "converted" is reached only by converting and is final; a
# disqualified lead can be reopened, as contacted.
TRANSITIONS = {
    LeadStatus.NEW: {LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.HOT, LeadStatus.DISQUALIFIED},
    LeadStatus.CONTACTED: {LeadStatus.QUALIFIED, LeadStatus.HOT, LeadStatus.DISQUALIFIED},
    LeadStatus.QUALIFIED: {LeadStatus.HOT, LeadStatus.DISQUALIFIED},
    LeadStatus.HOT: {LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED},
    LeadStatus.DISQUALIFIED: {LeadStatus.CONTACTED},
    LeadStatus.CONVERTED: set(),
}

# Activities that mean someone talked to the lead; a task is a plan, not a contact.
CONTACT_KINDS = {
    Activity.Kind.CALL,
    Activity.Kind.VISIT,
    Activity.Kind.EMAIL,
    Activity.Kind.MEETING,
    Activity.Kind.NOTE,
}


def next_follow_up(lead: Lead):
    """The last contact plus the lead's cadence; a lead nobody has contacted yet is due today."""
    if lead.last_contacted_at is None:
        return timezone.localdate()
    return timezone.localdate(lead.last_contacted_at) + timedelta(days=lead.follow_up_days)


def is_overdue(lead: Lead) -> bool:
    return (
        lead.status in OPEN_STATUSES
        and lead.next_follow_up_at is not None
        and lead.next_follow_up_at < timezone.localdate()
    )


def allowed_statuses(lead: Lead) -> list[str]:
    """The statuses `lead` may move to, in the order of the status list."""
    allowed = TRANSITIONS.get(lead.status, set())
    return [status for status in LeadStatus.values if status in allowed]


@transaction.atomic
def lead_change_status(*, actor, lead: Lead, status: str, reason: str = "", version: int | None = None) -> Lead:
    """Contacted, qualified (准目标), hot (热点), disqualified (with a reason) or reopened. Marking a
    lead contacted records the contact and sets the next follow-up from the cadence; a hot lead is on
    its owner's work-focus list (LEAD-2)."""
    if status == LeadStatus.CONVERTED:
        raise field_error(
            "status", _("A lead becomes converted only by converting it into a customer."), LeadError.STATUS_CHANGE
        )
    if status not in TRANSITIONS.get(lead.status, set()):
        raise field_error(
            "status",
            _("A lead that is “%(current)s” cannot become “%(new)s”.")
            % {"current": lead.get_status_display(), "new": _status_label(status)},
            CustomerError.LEAD_CONVERTED if lead.status == LeadStatus.CONVERTED else LeadError.STATUS_CHANGE,
        )
    data = {"status": status, "disqualified_reason": ""}
    if status == LeadStatus.DISQUALIFIED:
        reason = " ".join((reason or "").split())
        if not reason:
            raise field_error("reason", _("Say why the lead is disqualified."), LeadError.REASON_REQUIRED)
        if len(reason) > 200:
            raise field_error("reason", _("Keep the reason under 200 characters."), LeadError.REASON_REQUIRED)
        data.update(disqualified_reason=reason, next_follow_up_at=None)
    elif status == LeadStatus.CONTACTED:
        now = timezone.now()
        data.update(
            last_contacted_at=now, next_follow_up_at=timezone.localdate(now) + timedelta(days=lead.follow_up_days)
        )
    return core_services.main_object_update(actor=actor, obj=lead, data=data, version=version)


def _status_label(status: str) -> str:
    return str(dict(LeadStatus.choices).get(status, status))


@transaction.atomic
def lead_contacted_as_system(*, activity: Activity) -> None:
    """An activity about a lead that has taken place (a call, a visit, …) is a contact: it moves the
    last contact and the next follow-up, and a new lead becomes contacted. Called explicitly by
    `activities.services.activity_create`; bookkeeping, so it needs no permission on the lead."""
    if activity.kind not in CONTACT_KINDS or activity.subject_id is None or activity.starts_at > timezone.now():
        return
    if activity.subject_type_id != ContentType.objects.get_for_model(Lead).pk:
        return
    lead = Lead.objects.select_for_update().filter(pk=activity.subject_id, org_id=activity.org_id).first()
    if lead is None or (lead.last_contacted_at is not None and lead.last_contacted_at >= activity.starts_at):
        return
    lead.last_contacted_at = activity.starts_at
    if lead.status in OPEN_STATUSES:
        lead.next_follow_up_at = timezone.localdate(activity.starts_at) + timedelta(days=lead.follow_up_days)
    if lead.status == LeadStatus.NEW:
        lead.status = LeadStatus.CONTACTED
    lead.version += 1
    lead.save(update_fields=["last_contacted_at", "next_follow_up_at", "status", "version", "updated_at"])
