"""Competitors (OPP-5): follow their opportunity's permissions."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from qiao.core.forms import whole_number

from .. import services
from ..models import Competitor, Opportunity
from .refusals import refusals


class VisibleOpportunityField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Opportunity.objects.visible_to(self.context["request"].user)


class CompetitorSerializer(serializers.ModelSerializer):
    opportunity = VisibleOpportunityField()

    class Meta:
        model = Competitor
        fields = ["id", "opportunity", "name", "strengths", "weaknesses", "created_at"]
        read_only_fields = ["created_at"]


@extend_schema(parameters=[OpenApiParameter("opportunity", int)])
class CompetitorViewSet(viewsets.ModelViewSet):
    serializer_class = CompetitorSerializer
    search_fields = ["name"]

    queryset = Competitor.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        user = self.request.user
        if not (user.is_authenticated and getattr(user, "org_id", None)):
            return Competitor.objects.none()
        visible = Opportunity.objects.visible_to(user).values("pk")
        queryset = Competitor.objects.filter(org_id=user.org_id, opportunity__in=visible)
        opportunity_id = whole_number(self.request.query_params.get("opportunity"))
        if opportunity_id is not None:
            queryset = queryset.filter(opportunity_id=opportunity_id)
        return queryset.order_by("name", "pk")

    def get_serializer(self, *args, **kwargs):
        if self.action in {"update", "partial_update"}:
            kwargs["partial"] = True
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        opportunity = data.pop("opportunity")
        with refusals():
            serializer.instance = services.competitor_save(actor=self.request.user, opportunity=opportunity, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("opportunity", None)  # a competitor stays with its opportunity
        with refusals():
            serializer.instance = services.competitor_save(
                actor=self.request.user,
                opportunity=serializer.instance.opportunity,
                data=data,
                competitor=serializer.instance,
            )

    def perform_destroy(self, competitor):
        with refusals():
            services.competitor_delete(actor=self.request.user, competitor=competitor)
