"""The recycle bin (PERM-11). Deleting a main object only marks it; here whoever could delete it
restores it (everything comes back, since nothing that belongs to it was touched) or purges it:
its comments, attachments (files too), knowledge links and team places go, never the linked
articles; activities about it stay, no longer pointing at it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404

from .permissions import object_type, object_types


@dataclass(frozen=True)
class Dependent:
    model: type
    remove: Callable  # (row) -> None


_dependents: list[Dependent] = []
_purge_hooks: list[Callable] = []


def register_dependent(model, remove: Callable | None = None) -> None:
    """A model with target_type/target_id whose rows go when their record is purged."""
    _dependents.append(Dependent(model, remove or (lambda row: row.delete())))


def register_purge_hook(hook: Callable) -> None:
    """`hook(record)` runs just before a record is purged, for what refers to it otherwise."""
    _purge_hooks.append(hook)


def deleted_visible_to(model, user):
    return model.all_objects.visible_to(user, "delete", include_deleted=True).filter(deleted_at__isnull=False)


def entries(user) -> list:
    """Every record in the bin that `user` could delete, newest deletion first."""
    rows = []
    for kind in object_types():
        rows.extend(deleted_visible_to(kind.model, user).select_related("deleted_by"))
    return sorted(rows, key=lambda row: row.deleted_at, reverse=True)


def find(user, type_code: str, pk) -> object:
    kind = object_type(type_code)
    if kind is None:
        raise Http404
    try:
        return deleted_visible_to(kind.model, user).get(pk=int(pk))
    except (ValueError, TypeError, kind.model.DoesNotExist) as error:
        raise Http404 from error


@transaction.atomic
def recycle_bin_restore(*, actor, type_code: str, pk) -> object:
    obj = find(actor, type_code, pk)
    obj.deleted_at = None
    obj.deleted_by = None
    obj.version += 1
    obj.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    return obj


@transaction.atomic
def recycle_bin_purge(*, actor, type_code: str, pk) -> None:
    obj = find(actor, type_code, pk)
    content_type = ContentType.objects.get_for_model(type(obj))
    for dependent in _dependents:
        for row in dependent.model.objects.filter(target_type=content_type, target_id=obj.pk):
            dependent.remove(row)
    for hook in _purge_hooks:
        hook(obj)
    obj.delete()
