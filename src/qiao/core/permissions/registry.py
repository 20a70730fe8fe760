"""The object types the permission engine governs. A main object type (customer, opportunity, …)
carries the four relations of PERM-2; the activity type follows PERM-5. Registering a type adds its
function permission codes (`customer.view`, `customer.add`, `customer.change`, `customer.delete`)."""

from collections.abc import Callable
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
    # `prepare(record)` runs in every create and update (core/services.py) after the data is set
    # and before validation: normalizing, derived search keys, rules that raise ValidationError.
    prepare: Callable | None = None

    @property
    def label_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)


_types: dict[str, ObjectType] = {}


@dataclass(frozen=True)
class ViewRule:
    """A rule beyond the scopes that lets a user view records of one type, such as the public
    pool (CUS-12). `condition(user)` is the records it shows as a Q on the model's own columns
    (None: not for this user); `reason(user, record)` says why it shows one (None: it does not)."""

    condition: Callable
    reason: Callable


_view_rules: dict[str, list[ViewRule]] = {}


def register_view_rule(model, rule: ViewRule) -> None:
    _view_rules.setdefault(model._meta.model_name, []).append(rule)


def view_rules(code: str) -> list[ViewRule]:
    return _view_rules.get(code, [])


def register_object_type(model, *, is_activity: bool = False, prepare: Callable | None = None) -> ObjectType:
    code = model._meta.model_name
    kind = ObjectType(code=code, model=model, label=model._meta.verbose_name, is_activity=is_activity, prepare=prepare)
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
