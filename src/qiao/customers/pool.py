"""The public pool (CUS-12): customers without an owner, open to the employees the organization
chooses. Seeing the pool is a view rule of the permission engine, so every list, search, map and
export shows pool customers exactly to those employees."""

from django.db.models import Q
from django.utils.translation import gettext as _

from qiao.core.permissions import UserFact, ViewRule, user_fact
from qiao.core.sql import json_list, link_of

from .models import CustomerSettings


def customer_settings(org_id: int) -> CustomerSettings:
    """The organization's settings, created with the defaults the first time they are asked for."""
    settings, _created = CustomerSettings.objects.get_or_create(org_id=org_id)
    return settings


def pool_is_open_to(user) -> bool:
    """Whoever may view customers, when no department is chosen; otherwise the employees of the
    chosen departments and of the departments below them. Asked on every list (a view rule), so
    the chosen departments' paths are read with the user (`POOL_DEPARTMENTS`, a user fact)."""
    if not user.has_code("customer.view"):
        return False
    cached = getattr(user, "_qiao_pool_open", None)
    if cached is None:
        paths = user_fact(user, POOL_DEPARTMENTS)
        department_path = user.department.path if user.department_id else None
        cached = not paths or (department_path is not None and any(department_path.startswith(p) for p in paths))
        user._qiao_pool_open = cached
    return cached


def _pool_departments_select(connection) -> str:
    """The paths of the departments the organization opened the pool to, as a JSON list: a
    sub-select of the query that loads the user (core/permissions/facts.py)."""
    from qiao.org.models import Department

    quote = connection.ops.quote_name
    link = link_of(CustomerSettings, "pool_departments", connection)
    settings, department = CustomerSettings._meta, Department._meta
    path = f"department.{quote(department.get_field('path').column)}"
    rows = (
        f"FROM {link.table} qiao_link"
        f" JOIN {quote(settings.db_table)} settings ON settings.{quote(settings.pk.column)} = qiao_link.{link.source}"
        f" JOIN {quote(department.db_table)} department"
        f" ON department.{quote(department.pk.column)} = qiao_link.{link.target}"
        f" WHERE settings.{quote(settings.get_field('org').column)} = {{org}}"
    )
    return json_list(connection, path, rows, path)


def _pool_departments_of(user) -> list[str]:
    through = CustomerSettings.pool_departments.through
    return list(through.objects.filter(customersettings__org_id=user.org_id).values_list("department__path", flat=True))


POOL_DEPARTMENTS = UserFact("pool_departments", select=_pool_departments_select, load=_pool_departments_of)


def _pool_condition(user) -> Q | None:
    return Q(owner_id__isnull=True) if pool_is_open_to(user) else None


def _pool_reason(user, customer) -> str | None:
    if customer.owner_id is None and pool_is_open_to(user):
        return _("The customer has no owner: it is in the public pool, which is open to %(user)s.") % {"user": user}
    return None


POOL_RULE = ViewRule(condition=_pool_condition, reason=_pool_reason)
