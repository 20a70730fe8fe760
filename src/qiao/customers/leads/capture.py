"""Lead capture forms (LEAD-4): managing them, and a visitor's entry becoming a lead. Spam checks
need the request and live in views_capture.py."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from qiao.activities.models import Activity
from qiao.core import services as core_services
from qiao.core.forms import field_error

from ..models import CaptureForm, Lead
from .duplicates import lead_duplicates
from .errors import LeadError
from .status import prepare_lead


def capture_forms_visible_to(user):
    """Holders of `lead.add` manage their own forms; organization admins manage every form."""
    if not (user.is_authenticated and user.org_id and user.has_code("lead.add")):
        return CaptureForm.objects.none()
    forms = CaptureForm.objects.filter(org_id=user.org_id).select_related("owner")
    return forms if user.has_code("org.manage") else forms.filter(owner=user)


@transaction.atomic
def capture_form_save(*, actor, data: dict, capture_form: CaptureForm | None = None) -> CaptureForm:
    """Creates a form (with a fresh unguessable token) or changes one. Its leads go to its owner:
    the actor themselves, or, for an organization admin, any active colleague."""
    core_services.require_add(actor, Lead)
    if capture_form is not None and not capture_forms_visible_to(actor).filter(pk=capture_form.pk).exists():
        raise PermissionDenied
    owner = data.get("owner") or actor
    if owner.org_id != actor.org_id or not owner.is_active or (owner != actor and not actor.has_code("org.manage")):
        raise field_error("owner", _("Leads of your forms can only go to you."), LeadError.FORM_OWNER)
    if capture_form is None:
        capture_form = CaptureForm(org_id=actor.org_id, token=secrets.token_urlsafe(18)[:24])
    for name, value in {**data, "owner": owner}.items():
        setattr(capture_form, name, value)
    capture_form.full_clean(exclude=["org", "token"])
    capture_form.save()
    return capture_form


CAPTURE_FIELDS = ("name", "company", "title", "phone", "email", "wechat", "address", "notes")


@dataclass
class Captured:
    lead: Lead
    possible_duplicate: bool


@transaction.atomic
def lead_capture_as_system(*, capture_form: CaptureForm, data: dict) -> Captured:
    """A visitor's entry on a public form becomes a lead of the form's owner, with the form's source.
    Spam checks need the request and are the view's. The entry runs the same duplicate check as a
    conversion; a duplicate still becomes a lead — the visitor is not told who else is known — and
    its owner gets a task on it to check before calling (docs/leads-and-pool.md)."""
    owner = capture_form.owner
    if not (capture_form.is_active and owner.is_active):
        raise ValidationError(_("This form no longer accepts entries."), code=LeadError.FORM_CLOSED)
    entry = {name: " ".join(str(data.get(name) or "").split()) for name in CAPTURE_FIELDS if name != "notes"}
    entry["notes"] = str(data.get("notes") or "").strip()
    if not entry["phone"] and not entry["email"]:
        raise field_error(
            "phone",
            _("Leave a phone number or an e-mail address so that we can reach you."),
            LeadError.CONTACT_CHANNEL_REQUIRED,
        )
    lead = Lead(
        org_id=capture_form.org_id,
        owner=owner,
        owner_department_id=owner.department_id,
        capture_form=capture_form,
        source=capture_form.source,
        **entry,
    )
    prepare_lead(lead)
    lead.full_clean(exclude=["org", "version", "deleted_at", "deleted_by", "created_by"])
    lead.save()
    report = lead_duplicates(viewer=owner, lead=lead)
    if report.found:
        # In the organization's language, not the visitor's: the task is for the owner.
        with translation.override(settings.LANGUAGE_CODE):
            notes = _(
                "Entered through the form “%(form)s”. The same company or phone is already in the CRM: "
                "check the lead's possible duplicates before calling."
            ) % {"form": capture_form.title}
        Activity.objects.create(
            org_id=lead.org_id, owner=owner, creator=owner, subject=lead, kind=Activity.Kind.TASK, notes=notes
        )
    return Captured(lead, report.found)
