"""The duplicate check of a lead: CUS-8's one service, as seen by one employee."""

from .. import dedupe
from ..dedupe import DuplicateReport
from ..models import Lead


def lead_duplicates(*, viewer, lead: Lead, types=("customer", "lead")) -> DuplicateReport:
    """CUS-8's one duplicate check, for a lead: its company (or, for a person, its name), phone and
    address against the organization's customers and other leads."""
    matches = dedupe.find_duplicates_as_system(
        org_id=lead.org_id,
        name=lead.company or lead.name,
        phone=lead.phone,
        address=lead.address,
        exclude=(("lead", lead.pk),) if lead.pk else (),
        types=types,
    )
    return DuplicateReport(dedupe.matches_for_user(viewer, matches))
