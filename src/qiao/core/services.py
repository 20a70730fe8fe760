"""The writes every main object shares: create, update with optimistic locking, soft delete,
restore and purge (PERM-4, PERM-11, NFR-2, NFR-3). Apps call these from their own services and add
their business rules around them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import CoreError
from .permissions import can, object_type_of


class StaleVersion(Exception):
    """The record was saved by someone else after the writer read it (409 in the API)."""


def require(user, action: str, obj) -> None:
    """Invisible records do not exist for the user (404); visible but not permitted is 403 (PERM-3, PERM-4)."""
    from django.http import Http404

    if not can(user, "view", obj):
        raise Http404
    if action != "view" and not can(user, action, obj):
        raise PermissionDenied(_("You may view this record but not %(action)s it.") % {"action": _(action)})


def require_add(user, model) -> None:
    kind = object_type_of(model)
    if not user.has_code(f"{kind.code}.add"):
        raise PermissionDenied(_("You may not add a %(type)s.") % {"type": kind.label})


def _still_editable(user, obj) -> None:
    """After a write, inside the transaction: nobody may move a record out of their own reach
    (or into someone else's) by changing its owner or departments (DESIGN: re-check after write)."""
    model = type(obj)
    if not model.objects.visible_to(user, "edit").filter(pk=obj.pk).exists():
        raise ValidationError(
            _("After this change the record would be outside what you may edit; nothing was saved."),
            code=CoreError.OUT_OF_SCOPE,
        )


def _loaded_relations(obj) -> list[str]:
    """Foreign keys set to a record read from the database: it exists, so validation need not
    query for it again (one query per relation on every save)."""
    return [
        field.name
        for field in obj._meta.concrete_fields
        if field.many_to_one
        and field.is_cached(obj)
        and getattr(obj, field.name) is not None
        and not getattr(obj, field.name)._state.adding
    ]


def _apply(obj, fields: dict, many: dict, *, created: bool = False) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    kind = object_type_of(obj)
    if kind is not None and kind.prepare is not None:
        kind.prepare(obj)
    exclude = ["org", "version", "deleted_at", "deleted_by", "created_by", "creator", *_loaded_relations(obj)]
    obj.full_clean(exclude=exclude)
    obj.save()
    for name, values in many.items():
        if not created:
            getattr(obj, name).set(values)
        elif values:  # a new record has no links yet: nothing to read and compare
            getattr(obj, name).add(*values)


def _split(model, data: dict) -> tuple[dict, dict]:
    many_names = {f.name for f in model._meta.many_to_many}
    return (
        {k: v for k, v in data.items() if k not in many_names},
        {k: v for k, v in data.items() if k in many_names},
    )


def has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _default_owner_department(model, fields: dict) -> None:
    """PERM-2: the owner department defaults to the owner's department."""
    if has_field(model, "owner_department") and fields.get("owner") is not None and "owner_department" not in fields:
        fields["owner_department"] = fields["owner"].department


@transaction.atomic
def main_object_create(*, actor, model, data: dict):
    """Creates a main object or an activity: the actor's organization, owned by the actor unless
    the data names another owner, recorded as created by the actor."""
    require_add(actor, model)
    fields, many = _split(model, data)
    fields.setdefault("owner", actor)
    _default_owner_department(model, fields)
    obj = model(org=actor.org)
    for creator_field in ("created_by", "creator"):
        if has_field(model, creator_field):
            setattr(obj, creator_field, actor)
    _apply(obj, fields, many, created=True)
    _still_editable(actor, obj)
    return obj


@transaction.atomic
def main_object_update(*, actor, obj, data: dict, version: int | None = None):
    """Saves `data` when `version` is still the record's version (NFR-2), else StaleVersion."""
    require(actor, "edit", obj)
    model = type(obj)
    expected = obj.version if version is None else version
    updated = model.all_objects.filter(pk=obj.pk, version=expected, deleted_at__isnull=True).update(
        version=F("version") + 1
    )
    if not updated:
        raise StaleVersion
    obj.version = expected + 1
    fields, many = _split(model, data)
    if "owner" in fields:
        _default_owner_department(model, fields)
    _apply(obj, fields, many)
    _still_editable(actor, obj)
    return obj


@transaction.atomic
def main_object_delete(*, actor, obj) -> None:
    """Moves the record, with everything that belongs to it, to the recycle bin (PERM-11)."""
    require(actor, "delete", obj)
    obj.deleted_at = timezone.now()
    obj.deleted_by = actor
    obj.version += 1
    obj.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
