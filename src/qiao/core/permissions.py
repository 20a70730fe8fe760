"""The permission engine's registry of function permission codes (ORG-3).

Each app declares the codes it checks; roles hold lists of them. The data-scope side of the
engine (`visible_to`, `can`, `explain`) is built on the same registry."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PermissionCode:
    code: str
    label: str


_codes: dict[str, PermissionCode] = {}


def register_codes(*codes: PermissionCode) -> None:
    for code in codes:
        _codes[code.code] = code


def all_codes() -> list[PermissionCode]:
    return sorted(_codes.values(), key=lambda c: c.code)


register_codes(PermissionCode("org.manage", _("Manage departments, employees and roles")))


def org_records(queryset, user, action: str = "view", manage_code: str = "org.manage"):
    """Organization-wide reference data (departments, employees): every employee of the
    organization may view it; editing and deleting need `manage_code`. Outside any organization,
    nothing."""
    if not user.is_authenticated or user.org_id is None or not user.is_active:
        return queryset.none()
    queryset = queryset.filter(org_id=user.org_id)
    if action != "view" and not user.has_code(manage_code):
        return queryset.none()
    return queryset
