"""Base classes of the API: every main object's serializer and viewset (DESIGN: generic API
classes configured by attributes), so each new object type gets the same permission behaviour."""

from collections import defaultdict

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from qiao.org.models import Department, User

from . import services as core_services
from .api import Conflict


class OrgRelatedField(serializers.PrimaryKeyRelatedField):
    """An id that must name a record the requesting user can see; any other id reads as 'does not
    exist', exactly like a missing one (PERM-3)."""

    def get_queryset(self):
        return self.queryset.visible_to(self.context["request"].user)


class ChoiceLabelField(serializers.CharField):
    """The translated label of a choice field's stored code, read-only (API-5's `<field>_display`).

    `source="get_<field>_display"` would do the same, but DRF inspects the bound method's signature
    and Django hashes the lazy choices on every call: for a list page of 50 customers with a dozen
    choice fields that was most of the request's time. The labels are translated once per language."""

    def __init__(self, model_field, **kwargs):
        self.model_field = model_field
        self._labels_by_language = {}
        super().__init__(source=model_field.attname, read_only=True, **kwargs)

    def to_representation(self, value):
        language = get_language()
        labels = self._labels_by_language.get(language)
        if labels is None:
            labels = {code: str(label) for code, label in self.model_field.flatchoices}
            self._labels_by_language[language] = labels
        return labels.get(value, str(value))


def choice_label(model, field_name: str, **kwargs) -> ChoiceLabelField:
    return ChoiceLabelField(model._meta.get_field(field_name), **kwargs)


class MainObjectSerializer(serializers.ModelSerializer):
    """The four relations (PERM-2) and the version (NFR-2) of every main object (API-5)."""

    owner = OrgRelatedField(queryset=User.objects, allow_null=True, required=False)
    owner_department = OrgRelatedField(queryset=Department.objects, allow_null=True, required=False)
    related_users = OrgRelatedField(queryset=User.objects, many=True, required=False)
    related_departments = OrgRelatedField(queryset=Department.objects, many=True, required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Send the version you read; a stale one gets 409.")
    )

    RELATION_FIELDS = ["owner", "owner_department", "related_users", "related_departments", "version"]


class MainObjectViewSet(viewsets.ModelViewSet):
    """List, detail, create, edit, delete of a main object, entirely through the permission engine:
    lists and details from `visible_to`; invisible → 404, visible but not permitted → 403 (API-4)."""

    model = None
    related_id_fields = ("related_users", "related_departments")

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user, "view")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        attach_related_ids(page if page is not None else queryset, self.related_id_fields)
        return page

    def get_object(self):
        record = super().get_object()
        attach_related_ids([record], self.related_id_fields)
        return record

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = core_services.main_object_create(actor=self.request.user, model=self.model, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        try:
            serializer.instance = core_services.main_object_update(
                actor=self.request.user, obj=serializer.instance, data=data, version=version
            )
        except core_services.StaleVersion as error:
            raise Conflict from error

    def perform_destroy(self, instance):
        core_services.main_object_delete(actor=self.request.user, obj=instance)


def attach_related_ids(records, field_names) -> None:
    """Fills each record's many-to-many relations `field_names` for serializing ids: one query per
    relation reading the link table only. `prefetch_related` would load the related rows and build a
    queryset per record, about 7 ms for a page of 50 (bench/permissions)."""
    records = list(records)
    if not records:
        return
    model = type(records[0])
    for name in field_names:
        m2m = model._meta.get_field(name)
        through = m2m.remote_field.through
        source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
        linked = defaultdict(list)
        for record_id, target_id in through.objects.filter(**{f"{source}__in": [r.pk for r in records]}).values_list(
            source, target
        ):
            linked[record_id].append(target_id)
        related_model = m2m.related_model
        for record in records:
            # What prefetch_related leaves behind, with bare instances that carry only their id.
            cached = related_model._base_manager.all()
            cached._result_cache = [related_model(pk=pk) for pk in sorted(linked[record.pk])]
            cached._prefetch_done = True
            record.__dict__.setdefault("_prefetched_objects_cache", {})[name] = cached
