"""Function permission codes (ORG-3): `<object_type>.<action>` for every registered object type,
plus special codes (`org.manage`, `knowledge.manage`, …) that apps declare. Roles hold lists of
them; `GET /api/v1/permissions/` lists them all."""

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


def is_known(code: str) -> bool:
    return code in _codes


register_codes(
    PermissionCode("org.manage", _("Manage departments, employees and roles")),
    PermissionCode("access.explain", _("Ask why an employee can or cannot see a record, and view as them")),
)
