"""The object types the permission engine governs. A main object type (customer, opportunity, …)
carries the four relations of PERM-2; the activity type follows PERM-5. Registering a type adds its
function permission codes (`customer.view`, `customer.add`, `customer.change`, `customer.delete`)."""

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .codes import PermissionCode, register_codes

ACTIONS = ("view", "edit", "delete")


@dataclass(frozen=True)
class ObjectType:
    code: str  # lower-case model name, as in the API's target_type (API-5)
    model: type
    label: str
    is_activity: bool = False

    @property
    def label_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)


_types: dict[str, ObjectType] = {}


def register_object_type(model, *, is_activity: bool = False) -> ObjectType:
    code = model._meta.model_name
    kind = ObjectType(code=code, model=model, label=model._meta.verbose_name, is_activity=is_activity)
    _types[code] = kind
    name = model._meta.verbose_name
    register_codes(
        PermissionCode(f"{code}.view", format_lazy(_("View {type}"), type=name)),
        PermissionCode(f"{code}.add", format_lazy(_("Add {type}"), type=name)),
        PermissionCode(f"{code}.change", format_lazy(_("Edit {type}"), type=name)),
        PermissionCode(f"{code}.delete", format_lazy(_("Delete {type}"), type=name)),
    )
    return kind


def object_type(code: str) -> ObjectType | None:
    return _types.get(code)


def object_types() -> list[ObjectType]:
    return list(_types.values())


def main_object_types() -> list[ObjectType]:
    return [kind for kind in _types.values() if not kind.is_activity]


def object_type_of(model_or_instance) -> ObjectType | None:
    return _types.get(model_or_instance._meta.model_name)
