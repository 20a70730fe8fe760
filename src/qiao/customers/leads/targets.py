"""Daily contact targets (LEAD-5): who sets them for whom, and today's progress."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.activities.models import Activity
from qiao.core.forms import field_error
from qiao.org.models import User

from ..models import Customer, DailyTarget, Lead
from .errors import LeadError


def target_team(user):
    """The employees whose targets `user` sets and follows: their department and the ones below it
    (with `lead.targets`), or everyone (organization admins)."""
    if not (user.is_authenticated and user.org_id):
        return User.objects.none()
    employees = User.objects.visible_to(user).filter(is_active=True).select_related("department")
    if user.has_code("org.manage"):
        return employees
    if not user.has_code("lead.targets") or not user.department_id:
        return User.objects.none()
    return employees.filter(department__path__startswith=user.department.path)


MAX_DAILY_TARGET = 200


@transaction.atomic
def daily_target_set(*, actor, employee: User, prospect_calls: int | None) -> DailyTarget | None:
    """Sets how many calls a day `employee` aims for; None removes the target."""
    if not target_team(actor).filter(pk=employee.pk).exists():
        raise PermissionDenied(_("You set targets only for your department and the ones below it."))
    if prospect_calls is None:
        DailyTarget.objects.filter(user=employee).delete()
        return None
    if not 0 < prospect_calls <= MAX_DAILY_TARGET:
        raise field_error(
            "prospect_calls",
            _("A daily target is between 1 and %(max)d calls.") % {"max": MAX_DAILY_TARGET},
            LeadError.TARGET_RANGE,
        )
    target, _created = DailyTarget.objects.update_or_create(
        user=employee, defaults={"org_id": employee.org_id, "prospect_calls": prospect_calls}
    )
    return target


def calls_today(*, viewer, employee_ids) -> dict[int, int]:
    """Phone calls about leads and customers that each employee made today (in the organization's
    time zone, up to now), counted among the activities `viewer` may see (PERM-3, PERM-5)."""
    now = timezone.localtime()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    subject_types = ContentType.objects.get_for_models(Lead, Customer).values()
    rows = (
        Activity.objects.visible_to(viewer)
        .filter(
            kind=Activity.Kind.CALL,
            owner_id__in=list(employee_ids),
            starts_at__gte=start,
            starts_at__lte=now,
            subject_type__in=[content_type.pk for content_type in subject_types],
        )
        .order_by()
        .values("owner_id")
        .annotate(calls=Count("pk"))
    )
    return {row["owner_id"]: row["calls"] for row in rows}


@dataclass
class Progress:
    employee: User
    target: int | None
    calls: int

    @property
    def percent(self) -> int:
        if not self.target:
            return 0
        return min(100, round(100 * self.calls / self.target))

    @property
    def reached(self) -> bool:
        return bool(self.target) and self.calls >= self.target


def progress_of(*, viewer, employees) -> list[Progress]:
    employees = list(employees)
    targets = dict(
        DailyTarget.objects.filter(user__in=[e.pk for e in employees]).values_list("user_id", "prospect_calls")
    )
    calls = calls_today(viewer=viewer, employee_ids=[e.pk for e in employees])
    return [Progress(e, targets.get(e.pk), calls.get(e.pk, 0)) for e in employees]
