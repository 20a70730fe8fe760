"""Data scopes (PERM-1) and the scopes a user holds through their roles (ORG-3: the union of
roles, i.e. the widest scope of each)."""

from dataclasses import dataclass, field
from enum import IntEnum

from django.utils.translation import gettext_lazy as _

from ..sql import json_list, link_of
from .facts import UserFact, user_fact
from .registry import ACTIONS, object_type


class Scope(IntEnum):
    """From narrow to wide; each wider scope includes every narrower one."""

    NONE = 0
    OWNER = 1
    RELATED_EMPLOYEE = 2
    OWNER_DEPARTMENT = 3
    RELATED_DEPARTMENT = 4
    ALL = 5

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return str(SCOPE_LABELS[self])

    @classmethod
    def from_code(cls, code: str) -> "Scope":
        return cls[code.upper()]


SCOPE_LABELS = {
    Scope.NONE: _("None"),
    Scope.OWNER: _("Owner"),
    Scope.RELATED_EMPLOYEE: _("Related employee"),
    Scope.OWNER_DEPARTMENT: _("Owner department"),
    Scope.RELATED_DEPARTMENT: _("Related department (with sub-departments)"),
    Scope.ALL: _("All"),
}
SCOPE_CODES = [scope.code for scope in Scope]
ACTIVITY_SWITCHES = ("owned_objects", "visible_objects")


@dataclass(frozen=True)
class Grant:
    """What one role gives for one object type and action, and why it counts or not."""

    role: str
    scope: Scope
    has_code: bool

    @property
    def effective(self) -> Scope:
        return self.scope if self.has_code else Scope.NONE


@dataclass
class UserScopes:
    grants: dict[tuple[str, str], list[Grant]] = field(default_factory=dict)
    switches: dict[str, set[str]] = field(default_factory=dict)  # switch → roles that turn it on
    codes: set[str] = field(default_factory=set)

    def scope(self, type_code: str, action: str) -> Scope:
        """The widest effective scope over the roles. Editing and deleting also need the record
        to be visible (PERM-4); since scopes are nested, that is the narrower of the two."""
        widest = max((g.effective for g in self.grants.get((type_code, action), ())), default=Scope.NONE)
        if action != "view":
            widest = min(widest, self.scope(type_code, "view"))
        return widest

    def switch(self, name: str) -> bool:
        return bool(self.switches.get(name))


def scopes_of(user) -> UserScopes:
    """Computed once per user object (from the roles read with the user, facts.py, or one query),
    then cached on it."""
    cached = getattr(user, "_qiao_scopes", None)
    if cached is not None:
        return cached
    result = UserScopes()
    if user.is_authenticated and user.is_active and user.org_id is not None:
        for name, codes, data_scopes in user_fact(user, ROLES):
            result.codes.update(codes)
            for type_code, actions in (data_scopes or {}).items():
                kind = object_type(type_code)
                if kind is None:
                    continue
                for action in ACTIONS:
                    grant = grant_of(codes, data_scopes, type_code, action, name)
                    if grant is not None:
                        result.grants.setdefault((type_code, action), []).append(grant)
                for switch in ACTIVITY_SWITCHES:
                    if kind.is_activity and actions.get(switch) is True:
                        result.switches.setdefault(switch, set()).add(name)
    user._qiao_scopes = result
    return result


def grant_of(codes, data_scopes: dict, type_code: str, action: str, role_name: str = "") -> Grant | None:
    """What one role (its function permission codes and data scopes) gives for one object type and
    action; None when it sets no scope there. The name is for explanations (PERM-13)."""
    scope_code = (data_scopes or {}).get(type_code, {}).get(action)
    if scope_code not in SCOPE_CODES:
        return None
    return Grant(role_name, Scope.from_code(scope_code), f"{type_code}.{code_for(action)}" in codes)


def code_for(action: str) -> str:
    """The function permission an action needs: view → view, edit → change, delete → delete."""
    return {"view": "view", "edit": "change", "delete": "delete"}[action]


def _roles_select(connection) -> str:
    """The user's roles as a JSON list of [name, function permissions, data scopes], oldest role
    first: a sub-select of the query that loads the user (facts.py)."""
    from qiao.org.models import Role, User

    quote = connection.ops.quote_name
    link = link_of(User, "roles", connection)
    role_id = f"role.{quote(Role._meta.pk.column)}"
    name, codes, data_scopes = (
        f"role.{quote(Role._meta.get_field(column).column)}" for column in ("name", "permissions", "data_scopes")
    )
    if connection.vendor == "postgresql":
        row = f"json_build_array({name}, {codes}, {data_scopes})"
    else:  # SQLite stores JSON as text: json() reads it as JSON, not as a string
        row = f"json_array({name}, json({codes}), json({data_scopes}))"
    rows = (
        f"FROM {quote(Role._meta.db_table)} role JOIN {link.table} qiao_link ON qiao_link.{link.target} = {role_id}"
        f" WHERE qiao_link.{link.source} = {{user}}"
    )
    return json_list(connection, row, rows, role_id, value_is_json=True)


def _roles_of(user) -> list:
    return list(user.roles.order_by("pk").values_list("name", "permissions", "data_scopes"))


ROLES = UserFact("roles", select=_roles_select, load=_roles_of)
