"""Every write to organizations, departments and employees (ORG-1, ORG-2, API-6)."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qiao.core import permissions
from qiao.core.forms import field_error

from .errors import OrgError
from .models import Department, Organization, Role, User


def require_code(actor: User, code: str) -> None:
    if not actor.has_code(code):
        raise PermissionDenied(_("You do not have the permission “%(code)s”.") % {"code": code})


def _require_same_org(actor: User, *records) -> None:
    for record in records:
        if record is not None and record.org_id != actor.org_id:
            # Reported as a plain validation error so that nothing about the other tenant leaks.
            raise ValidationError(_("Unknown department."), code=OrgError.UNKNOWN_DEPARTMENT)


@transaction.atomic
def organization_create(
    *, name: str, admin_username: str, admin_password: str, admin_full_name: str = ""
) -> tuple[Organization, User]:
    """A new tenant with its root department and an administrator who holds every function
    permission and `all` data scopes (API-6)."""
    name = name.strip()
    if not name:
        raise field_error("name", _("The organization needs a name."), OrgError.NAME_REQUIRED)
    if Organization.objects.filter(name=name).exists():
        raise field_error(
            "name",
            _("An organization named “%(name)s” already exists.") % {"name": name},
            OrgError.NAME_TAKEN,
        )
    organization = Organization.objects.create(name=name)
    root = Department.objects.add_root({"org": organization, "name": name})
    supervisor = Role.objects.create(
        org=organization,
        name=_("CRM supervisor"),
        description=_("Sees all data and assigns permissions."),
        permissions=[code.code for code in permissions.all_codes()],
        data_scopes={},
    )
    admin = _create_user(
        org=organization,
        department=root,
        username=admin_username,
        password=admin_password,
        full_name=admin_full_name or admin_username,
        position=_("Administrator"),
    )
    admin.roles.add(supervisor)
    return organization, admin


def _create_user(*, org, department, username, password, full_name, **fields) -> User:
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise field_error(
            "username",
            _("The username “%(username)s” is taken.") % {"username": username},
            OrgError.USERNAME_TAKEN,
        )
    user = User(org=org, department=department, username=username, full_name=full_name, **fields)
    _set_validated_password(user, password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def employee_create(
    *,
    actor: User,
    username: str,
    password: str,
    full_name: str,
    department: Department,
    roles: list[Role] = (),
    **fields,
) -> User:
    require_code(actor, "org.manage")
    _require_same_org(actor, department, *roles)
    user = _create_user(
        org=actor.org,
        department=department,
        username=username,
        password=password,
        full_name=full_name,
        **fields,
    )
    user.roles.set(roles)
    return user


@transaction.atomic
def employee_update(*, actor: User, employee: User, roles: list[Role] | None = None, **fields) -> User:
    """Change an employee's profile. Deactivating (`is_active=False`) keeps all their records (ORG-2)."""
    require_code(actor, "org.manage")
    _require_same_org(actor, employee, fields.get("department"), *(roles or ()))
    if employee == actor and fields.get("is_active") is False:
        raise field_error("is_active", _("You cannot deactivate your own account."), OrgError.SELF_DEACTIVATION)
    for field, value in fields.items():
        setattr(employee, field, value)
    employee.full_clean(exclude=["password"])
    employee.save()
    if roles is not None:
        employee.roles.set(roles)
    return employee


@transaction.atomic
def employee_set_password(*, actor: User, employee: User, password: str) -> None:
    require_code(actor, "org.manage")
    _require_same_org(actor, employee)
    _set_validated_password(employee, password)
    employee.save(update_fields=["password"])


def _set_validated_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError(
            {"password": [ValidationError(message, code=OrgError.WEAK_PASSWORD) for message in error.messages]}
        ) from error
    user.set_password(password)


def _require_unique_sibling_name(parent: Department, name: str, exclude: Department | None = None) -> None:
    siblings = Department.objects.get_children(parent).filter(name=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        raise field_error(
            "name",
            _("“%(parent)s” already has a department named “%(name)s”.") % {"parent": parent.name, "name": name},
            OrgError.DUPLICATE_DEPARTMENT_NAME,
        )


@transaction.atomic
def department_create(*, actor: User, parent: Department, name: str) -> Department:
    require_code(actor, "org.manage")
    _require_same_org(actor, parent)
    name = name.strip()
    if not name:
        raise field_error("name", _("The department needs a name."), OrgError.NAME_REQUIRED)
    _require_unique_sibling_name(parent, name)
    return Department.objects.add_child(parent, {"org": actor.org, "name": name})


@transaction.atomic
def department_update(
    *, actor: User, department: Department, name: str | None = None, parent: Department | None = None
) -> Department:
    """Rename and/or move a department (ORG-1). The root stays the root, and no department moves
    into its own subtree."""
    require_code(actor, "org.manage")
    _require_same_org(actor, department, parent)
    current_parent = Department.objects.get_parent(department)
    target_parent = parent or current_parent
    if name is not None:
        name = name.strip()
        if not name:
            raise field_error("name", _("The department needs a name."), OrgError.NAME_REQUIRED)
    new_name = name if name is not None else department.name
    if parent is not None and parent != current_parent:
        if current_parent is None:
            raise field_error("parent", _("The root department cannot be moved."), OrgError.MOVE_ROOT)
        if parent.path.startswith(department.path):
            raise field_error(
                "parent",
                _("A department cannot be moved under itself or one of its sub-departments."),
                OrgError.MOVE_INTO_SUBTREE,
            )
    if target_parent is not None:
        _require_unique_sibling_name(target_parent, new_name, exclude=department)
    if name is not None and name != department.name:
        department.name = name
        department.save(update_fields=["name"])
    if parent is not None and parent != current_parent:
        Department.objects.move(department, parent, pos="sorted-child")
        department.refresh_from_db()
    return department


@transaction.atomic
def department_delete(*, actor: User, department: Department) -> None:
    """Remove a department, only when it is empty (ORG-1)."""
    require_code(actor, "org.manage")
    _require_same_org(actor, department)
    if department.is_root():
        raise ValidationError(_("The root department cannot be removed."), code=OrgError.DELETE_ROOT)
    if Department.objects.get_children_count(department):
        raise ValidationError(
            _("“%(name)s” still has sub-departments; move or remove them first.") % {"name": department.name},
            code=OrgError.DEPARTMENT_NOT_EMPTY,
        )
    if department.employees.exists():
        raise ValidationError(
            _("“%(name)s” still has employees; move them to another department first.") % {"name": department.name},
            code=OrgError.DEPARTMENT_NOT_EMPTY,
        )
    department.delete()
