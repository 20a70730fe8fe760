"""`qiao.core.permissions`: the one permission engine (DESIGN.md). Everything that reads business
data gets its queryset from `visible_to`, and asks `can` / `explain` about one record."""

from .codes import PermissionCode, all_codes, is_known, register_codes
from .engine import Explanation, can, explain, visible_to, who_may
from .facts import UserFact, register_user_fact, user_fact, with_user_facts
from .registry import (
    ACTIONS,
    ObjectType,
    ViewRule,
    main_object_types,
    object_type,
    object_type_of,
    object_types,
    register_object_type,
    register_view_rule,
)
from .scopes import ACTIVITY_SWITCHES, SCOPE_CODES, Scope, code_for, grant_of, scopes_of
from .tenancy import org_records

__all__ = [
    "ACTIONS",
    "ACTIVITY_SWITCHES",
    "SCOPE_CODES",
    "Explanation",
    "ObjectType",
    "PermissionCode",
    "Scope",
    "UserFact",
    "ViewRule",
    "all_codes",
    "can",
    "code_for",
    "explain",
    "grant_of",
    "is_known",
    "main_object_types",
    "object_type",
    "object_type_of",
    "object_types",
    "org_records",
    "register_codes",
    "register_object_type",
    "register_user_fact",
    "register_view_rule",
    "scopes_of",
    "user_fact",
    "visible_to",
    "who_may",
    "with_user_facts",
]
