"""Writes to activities: the shared main-object writes, with the activity's creator."""

from django.db import transaction

from qiao.core import services as core
from qiao.core.services import StaleVersion

from .models import Activity

__all__ = ["StaleVersion", "activity_create", "activity_delete", "activity_update"]


@transaction.atomic
def activity_create(*, actor, **data) -> Activity:
    """Also keeps the subject's follow-up dates current: a customer's last follow-up, which keeps it
    out of the public pool (CUS-12), and a lead's last contact and next follow-up (LEAD-1)."""
    from qiao.customers import leads, pool_services

    activity = core.main_object_create(actor=actor, model=Activity, data=data)
    pool_services.customer_followed_up_as_system(activity=activity)
    leads.lead_contacted_as_system(activity=activity)
    return activity


def activity_update(*, actor, activity: Activity, version: int | None = None, **data) -> Activity:
    return core.main_object_update(actor=actor, obj=activity, data=data, version=version)


def activity_delete(*, actor, activity: Activity) -> None:
    core.main_object_delete(actor=actor, obj=activity)
