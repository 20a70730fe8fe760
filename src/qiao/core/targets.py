"""Records that belong to another record — comments, attachments, knowledge links, team members —
follow that record's permissions. This module names the record types that can hold them and answers
for them through the permission engine."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404

from .forms import whole_number
from .permissions import can, main_object_types, object_type, object_type_of

_target_models: dict[str, type] = {}


def register_target(model) -> None:
    """`model` must offer `objects.visible_to(user, action)` and an `owner_id`."""
    _target_models[model._meta.model_name] = model


def target_model(code: str):
    """Main objects are targets by nature; other models (knowledge articles) register."""
    kind = object_type(code)
    if kind is not None and not kind.is_activity:
        return kind.model
    return _target_models.get(code)


def target_models() -> list[type]:
    return [kind.model for kind in main_object_types()] + list(_target_models.values())


def allowed(user, action: str, obj) -> bool:
    if object_type_of(obj) is not None:
        return can(user, action, obj)
    return type(obj).objects.visible_to(user, action).filter(pk=obj.pk).exists()


def resolve_target(user, target_type: str, target_id) -> object:
    """The record the user names, if they can view it; anything else is "not found" (PERM-3)."""
    model = target_model(str(target_type))
    record_id = whole_number(target_id)
    if model is None or record_id is None:
        raise Http404
    obj = model.objects.visible_to(user, "view").filter(pk=record_id).first()
    if obj is None:
        raise Http404
    return obj


def target_filter(user, action: str = "view") -> Q:
    """The dependents (rows with target_type/target_id) whose target `user` may `action`."""
    condition = Q(pk__in=[])
    for model in target_models():
        content_type = ContentType.objects.get_for_model(model)
        visible = model.objects.visible_to(user, action).order_by().values("pk")
        condition |= Q(target_type_id=content_type.pk, target_id__in=visible)
    return condition


def dependents_visible_to(model, user, action: str = "view"):
    """Rows of `model` (comments, attachments, …) whose record `user` may `action`."""
    if not (user.is_authenticated and user.is_active and user.org_id):
        return model.objects.none()
    return model.objects.filter(org_id=user.org_id).filter(target_filter(user, action))


def dependents_of(model, obj):
    """Every `model` row (comment, attachment, …) that belongs to `obj`, for that record's own pages."""
    return model.objects.filter(target_type=ContentType.objects.get_for_model(type(obj)), target_id=obj.pk)
