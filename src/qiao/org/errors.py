from enum import StrEnum


class OrgError(StrEnum):
    """Codes of the errors users see from the org app (carried as ValidationError.code)."""

    NAME_REQUIRED = "name_required"
    NAME_TAKEN = "name_taken"
    USERNAME_TAKEN = "username_taken"
    WEAK_PASSWORD = "weak_password"
    UNKNOWN_DEPARTMENT = "unknown_department"
    DUPLICATE_DEPARTMENT_NAME = "duplicate_department_name"
    MOVE_ROOT = "move_root"
    MOVE_INTO_SUBTREE = "move_into_subtree"
    DELETE_ROOT = "delete_root"
    DEPARTMENT_NOT_EMPTY = "department_not_empty"
    SELF_DEACTIVATION = "self_deactivation"
    INVALID_SCOPES = "invalid_scopes"
    ROLE_IN_USE = "role_in_use"
    SAME_EMPLOYEE = "same_employee"
    INACTIVE = "inactive"
