"""Building blocks for permission tests: roles with given scopes, employees holding them, records
with given relations."""

from qiao.activities.models import Activity
from qiao.core.permissions import object_types
from qiao.customers.models import Customer, Lead
from qiao.org.models import Department, Role
from tests.factories import EmployeeFactory

OBJECT_ACTIONS = ("view", "add", "change", "delete")


def role(organization, name: str, *, view="none", edit="none", delete="none", activity=None, codes=None, types=None):
    """A role giving these scopes on every main object type (or `types`), with the matching codes.
    `activity` is a dict for the activity type (view/edit/delete and the two switches)."""
    data_scopes, permissions = {}, list(codes or [])
    for kind in object_types():
        if kind.is_activity:
            if activity is not None:
                data_scopes[kind.code] = {"view": "none", "edit": "none", "delete": "none", **activity}
                permissions += [f"{kind.code}.{action}" for action in OBJECT_ACTIONS]
            continue
        if types is not None and kind.code not in types:
            continue
        data_scopes[kind.code] = {"view": view, "edit": edit, "delete": delete}
        permissions += [f"{kind.code}.{action}" for action in OBJECT_ACTIONS]
    while Role.objects.filter(org=organization, name=name).exists():  # e.g. a default role's name
        name += "*"
    return Role.objects.create(org=organization, name=name, permissions=permissions, data_scopes=data_scopes)


def employee(organization, department: Department | str, *roles, **fields):
    if isinstance(department, str):
        department = Department.objects.get(org=organization, name=department)
    user = EmployeeFactory(org=organization, department=department, **fields)
    user.roles.set(roles)
    return user


def customer(organization, *, owner=None, owner_department=None, related_users=(), related_departments=(), **fields):
    if isinstance(owner_department, str):
        owner_department = Department.objects.get(org=organization, name=owner_department)
    record = Customer.objects.create(
        org=organization,
        owner=owner,
        owner_department=owner_department if owner_department is not None else (owner.department if owner else None),
        name=fields.pop("name", "杭州西湖贸易有限公司"),
        **fields,
    )
    record.related_users.set(related_users)
    record.related_departments.set(
        [Department.objects.get(org=organization, name=d) if isinstance(d, str) else d for d in related_departments]
    )
    return record


def lead(organization, *, owner=None, **fields):
    return Lead.objects.create(
        org=organization,
        owner=owner,
        owner_department=owner.department if owner else None,
        name=fields.pop("name", "王建华"),
        **fields,
    )


def activity(organization, *, owner, creator=None, related_users=(), subject=None, **fields):
    record = Activity.objects.create(org=organization, owner=owner, creator=creator or owner, subject=subject, **fields)
    record.related_users.set(related_users)
    return record


def fresh(user):
    """The same employee without cached scopes, after their roles changed."""
    return type(user).objects.get(pk=user.pk)
