"""Writes to activities: the shared main-object writes, with the activity's creator."""

from qiao.core import services as core
from qiao.core.services import StaleVersion

from .models import Activity

__all__ = ["StaleVersion", "activity_create", "activity_delete", "activity_update"]


def activity_create(*, actor, **data) -> Activity:
    return core.main_object_create(actor=actor, model=Activity, data=data)


def activity_update(*, actor, activity: Activity, version: int | None = None, **data) -> Activity:
    return core.main_object_update(actor=actor, obj=activity, data=data, version=version)


def activity_delete(*, actor, activity: Activity) -> None:
    core.main_object_delete(actor=actor, obj=activity)
