"""Base classes of the API: every main object's serializer and viewset (DESIGN: generic API
classes configured by attributes), so each new object type gets the same permission behaviour."""

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

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user, "view").prefetch_related(
            "related_users", "related_departments"
        )

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
