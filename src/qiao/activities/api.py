"""`/api/v1/activities/` (API-5)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from qiao.core.api import Conflict
from qiao.core.targets import target_model
from qiao.core.viewsets import OrgRelatedField
from qiao.org.models import User

from . import services
from .models import Activity


class ActivitySerializer(serializers.ModelSerializer):
    owner = OrgRelatedField(queryset=User.objects, required=False)
    creator = serializers.PrimaryKeyRelatedField(read_only=True)
    related_users = OrgRelatedField(queryset=User.objects, many=True, required=False)
    subject_type = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=100)
    subject_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "subject_type",
            "subject_id",
            "owner",
            "creator",
            "related_users",
            "starts_at",
            "notes",
            "version",
        ]

    def to_representation(self, activity):
        data = super().to_representation(activity)
        data["subject_type"] = activity.subject_type.model if activity.subject_type_id else None
        data["kind_display"] = activity.get_kind_display()
        return data

    def validate(self, attrs):
        subject_type, subject_id = attrs.pop("subject_type", None), attrs.pop("subject_id", None)
        if subject_type or subject_id:
            model = target_model(subject_type or "")
            subject = None
            if model is not None and subject_id:
                subject = model.objects.visible_to(self.context["request"].user).filter(pk=subject_id).first()
            if subject is None:
                raise serializers.ValidationError({"subject_id": [_("Unknown record.")]})
            attrs["subject"] = subject
        elif "subject_type" in self.initial_data or "subject_id" in self.initial_data:
            attrs["subject"] = None
        return attrs


class ActivityViewSet(viewsets.ModelViewSet):
    serializer_class = ActivitySerializer
    search_fields = ["notes"]
    ordering_fields = ["starts_at", "created_at"]
    filterset_fields = ["kind", "owner"]

    def get_queryset(self):
        return (
            Activity.objects.visible_to(self.request.user)
            .select_related("subject_type")
            .prefetch_related("related_users")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.activity_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        try:
            serializer.instance = services.activity_update(
                actor=self.request.user, activity=serializer.instance, version=version, **data
            )
        except services.StaleVersion as error:
            raise Conflict from error

    def perform_destroy(self, activity):
        services.activity_delete(actor=self.request.user, activity=activity)
