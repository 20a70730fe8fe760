"""Stages (OPP-4): read by everyone, changed by administrators."""

from rest_framework import serializers, viewsets

from .. import stages
from ..models import Stage


class StageSerializer(serializers.ModelSerializer):
    business_role = serializers.CharField(required=False, allow_blank=True, max_length=100)

    class Meta:
        model = Stage
        fields = ["id", "code", "name", "kind", "position", "probability", "ageing_limit_days", "business_role"]
        read_only_fields = ["code"]

    def to_representation(self, stage):
        data = super().to_representation(stage)
        data["name"] = str(stage)
        data["business_role"] = stage.business_role
        return data


class StageViewSet(viewsets.ModelViewSet):
    """The organization's sales stages in funnel order; `org.manage` changes them."""

    serializer_class = StageSerializer
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        user = self.request.user
        if not (user.is_authenticated and user.org_id):
            return Stage.objects.none()
        return Stage.objects.filter(org_id=user.org_id).select_related("process_stage").order_by("position", "pk")

    def perform_create(self, serializer):
        serializer.instance = stages.stage_create(actor=self.request.user, data=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = stages.stage_update(
            actor=self.request.user, stage=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, stage):
        stages.stage_delete(actor=self.request.user, stage=stage)
