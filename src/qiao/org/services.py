"""Every write to organizations, departments and employees (ORG-1, ORG-2, API-6)."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core import permissions
from qiao.core.forms import field_error
from qiao.core.history import update_with_history
from qiao.core.notifications import Verb, notify
from qiao.core.services import has_field

from . import role_templates
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
    supervisor, *_others = [
        Role.objects.create(org=organization, **role_templates.role_fields(template))
        for template in role_templates.templates()
    ]
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
        Department.objects.move(department, parent, pos="last-child")
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


def validate_data_scopes(data_scopes: dict) -> dict:
    """The API-5 shape: known object types, actions view/edit/delete with known scope codes, and
    for activities the two switches. Missing actions mean `none`."""
    errors, clean = [], {}
    for type_code, actions in (data_scopes or {}).items():
        kind = permissions.object_type(type_code)
        if kind is None:
            errors.append(_("Unknown object type “%(type)s”.") % {"type": type_code})
            continue
        if not isinstance(actions, dict):
            errors.append(_("“%(type)s” needs an object of actions.") % {"type": type_code})
            continue
        allowed_keys = set(permissions.ACTIONS) | (set(permissions.ACTIVITY_SWITCHES) if kind.is_activity else set())
        for key, value in actions.items():
            if key not in allowed_keys:
                errors.append(_("“%(type)s” has no setting “%(key)s”.") % {"type": type_code, "key": key})
            elif key in permissions.ACTIONS and value not in permissions.SCOPE_CODES:
                errors.append(
                    _("“%(value)s” is not a scope; use one of %(scopes)s.")
                    % {"value": value, "scopes": ", ".join(permissions.SCOPE_CODES)}
                )
            elif key in permissions.ACTIVITY_SWITCHES and not isinstance(value, bool):
                errors.append(_("“%(key)s” must be true or false.") % {"key": key})
        clean[type_code] = {key: actions.get(key, "none") for key in permissions.ACTIONS}
        if kind.is_activity:
            clean[type_code].update({key: bool(actions.get(key, False)) for key in permissions.ACTIVITY_SWITCHES})
    if errors:
        raise ValidationError(errors, code=OrgError.INVALID_SCOPES)
    return clean


@transaction.atomic
def role_save(*, actor: User, role: Role | None, **fields) -> Role:
    require_code(actor, "org.manage")
    if role is None:
        role = Role(org=actor.org)
    _require_same_org(actor, role)
    if "data_scopes" in fields:
        fields["data_scopes"] = validate_data_scopes(fields["data_scopes"])
    if "permissions" in fields:
        unknown = sorted({code for code in fields["permissions"] if not permissions.is_known(code)})
        if unknown:
            raise field_error(
                "permissions",
                _("Unknown permission codes: %(codes)s.") % {"codes": ", ".join(unknown)},
                OrgError.INVALID_SCOPES,
            )
        fields["permissions"] = sorted(set(fields["permissions"]))
    for name, value in fields.items():
        setattr(role, name, value)
    if Role.objects.filter(org_id=actor.org_id, name=role.name).exclude(pk=role.pk).exists():
        raise field_error(
            "name", _("A role named “%(name)s” already exists.") % {"name": role.name}, OrgError.NAME_TAKEN
        )
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def role_delete(*, actor: User, role: Role) -> None:
    """A role still held by employees stays, so nobody silently loses access."""
    require_code(actor, "org.manage")
    _require_same_org(actor, role)
    holders = role.users.count()
    if holders:
        raise ValidationError(
            _("%(count)d employees still hold the role “%(name)s”; take it from them first.")
            % {"count": holders, "name": role.name},
            code=OrgError.ROLE_IN_USE,
        )
    # Records restricted to the role (knowledge articles, …) would silently open to everyone.
    for relation in Role._meta.related_objects:
        if relation.many_to_many and relation.related_model is not User:
            restricted = getattr(role, relation.get_accessor_name()).count()
            if restricted:
                raise ValidationError(
                    _("%(count)d %(records)s are restricted to the role “%(name)s”; lift the restriction first.")
                    % {
                        "count": restricted,
                        "records": relation.related_model._meta.verbose_name_plural,
                        "name": role.name,
                    },
                    code=OrgError.ROLE_IN_USE,
                )
    role.delete()


# The successor hears of it in their notifications (apps.py registers the verb).
HANDED_OVER = Verb(
    "org.handover",
    gettext_lazy("%(actor)s handed %(count)s records of %(leaving)s over to you."),
    icon="arrows-exchange",
)


def _owned_as_system(employee: User) -> list[tuple[permissions.ObjectType, QuerySet]]:
    """Every live record `employee` owns, by object type, with their open (still ahead) activities;
    past activities stay theirs. As the system: the handover is an administrator's act for the whole
    organization, whatever their own data scope."""
    now = timezone.now()
    owned = []
    for kind in permissions.object_types():
        records = kind.model.objects.filter(org_id=employee.org_id, owner=employee)
        owned.append((kind, records.filter(starts_at__gte=now) if kind.is_activity else records))
    return owned


def handover_summary(employee: User) -> list[tuple[str, str, int]]:
    """What a handover of `employee` would move now: (type code, what, how many) for each kind
    they own any of."""
    summary = []
    for kind, records in _owned_as_system(employee):
        if count := records.count():
            what = _("Upcoming activities") if kind.is_activity else capfirst(kind.label_plural)
            summary.append((kind.code, what, count))
    return summary


@transaction.atomic
def employee_handover(*, actor: User, leaving: User, successor: User, deactivate: bool = False) -> int:
    """ORG-6: in one step, every record `leaving` owns (customers, leads, opportunities, contracts …)
    and their open activities go to `successor`, with the successor's department as owner department;
    each change is in the records' history. Returns how many records moved."""
    require_code(actor, "org.manage")
    _require_same_org(actor, leaving, successor)
    if successor == leaving:
        raise field_error("successor", _("Choose someone else to take over."), OrgError.SAME_EMPLOYEE)
    if not successor.is_active:
        raise field_error("successor", _("%(name)s is deactivated.") % {"name": successor}, OrgError.INACTIVE)
    reason = _("Handed over from %(leaving)s to %(successor)s") % {"leaving": leaving, "successor": successor}
    moved = 0
    for kind, owned in _owned_as_system(leaving):
        records = list(owned.select_for_update())
        changes = {"owner": successor}
        if has_field(kind.model, "owner_department"):
            changes["owner_department_id"] = successor.department_id
        update_with_history(kind.model, records, changes, user=actor, reason=reason)
        moved += len(records)
    if moved:
        data = {"leaving": leaving.get_full_name(), "count": moved}
        notify(users=[successor], verb=HANDED_OVER.code, actor=actor, data=data)
    if deactivate:
        leaving.is_active = False
        leaving.save(update_fields=["is_active"])
    return moved
