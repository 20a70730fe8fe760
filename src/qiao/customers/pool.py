"""The public pool (CUS-12): customers without an owner, open to the employees the organization
chooses. Seeing the pool is a view rule of the permission engine, so every list, search, map and
export shows pool customers exactly to those employees."""

from django.db.models import Q
from django.utils.translation import gettext as _

from qiao.core.permissions import ViewRule

from .models import CustomerSettings


def customer_settings(org_id: int) -> CustomerSettings:
    """The organization's settings, created with the defaults the first time they are asked for."""
    settings, _created = CustomerSettings.objects.get_or_create(org_id=org_id)
    return settings


def pool_is_open_to(user) -> bool:
    """Whoever may view customers, when no department is chosen; otherwise the employees of the
    chosen departments and of the departments below them. Asked on every list (a view rule), so
    the chosen departments' paths are read in one query, without the settings row."""
    if not user.has_code("customer.view"):
        return False
    cached = getattr(user, "_qiao_pool_open", None)
    if cached is None:
        paths = list(
            CustomerSettings.pool_departments.through.objects.filter(customersettings__org_id=user.org_id).values_list(
                "department__path", flat=True
            )
        )
        department_path = user.department.path if user.department_id else None
        cached = not paths or (department_path is not None and any(department_path.startswith(p) for p in paths))
        user._qiao_pool_open = cached
    return cached


def _pool_condition(user) -> Q | None:
    return Q(owner_id__isnull=True) if pool_is_open_to(user) else None


def _pool_reason(user, customer) -> str | None:
    if customer.owner_id is None and pool_is_open_to(user):
        return _("The customer has no owner: it is in the public pool, which is open to %(user)s.") % {"user": user}
    return None


POOL_RULE = ViewRule(condition=_pool_condition, reason=_pool_reason)
