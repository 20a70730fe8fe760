"""`/api/v1/contracts/` (CON-1): list, detail, create, edit, delete through the permission engine;
the signed file uploads with the record (multipart) and downloads from `…/{id}/file/` after the
permission check, never from a public path."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from qiao.core.viewsets import MainObjectSerializer, MainObjectViewSet, OrgRelatedField, choice_label
from qiao.customers.models import Customer
from qiao.sales.models import Opportunity

from . import services
from .models import Contract
from .views import signed_file_response

UNKNOWN_OPPORTUNITY = _("Unknown opportunity; choose one you can see.")


class ContractSerializer(MainObjectSerializer):
    customer = OrgRelatedField(queryset=Customer.objects, allow_null=True, required=False)
    opportunity = OrgRelatedField(
        queryset=Opportunity.objects,
        allow_null=True,
        required=False,
        error_messages={"does_not_exist": UNKNOWN_OPPORTUNITY, "incorrect_type": UNKNOWN_OPPORTUNITY},
    )
    signed_file = serializers.FileField(write_only=True, required=False, allow_null=True)
    has_signed_file = serializers.SerializerMethodField()
    status_label = choice_label(Contract, "status")
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id",
            "number",
            "title",
            "customer",
            "opportunity",
            "amount",
            "currency",
            "sign_date",
            "start_date",
            "end_date",
            "terms",
            "status",
            "status_label",
            "signed_file",
            "signed_file_name",
            "has_signed_file",
            "file_url",
            "created_at",
            "updated_at",
            *MainObjectSerializer.RELATION_FIELDS,
        ]
        read_only_fields = ["signed_file_name", "created_at", "updated_at"]
        extra_kwargs = {"amount": {"required": False}, "sign_date": {"required": False}}

    def get_has_signed_file(self, contract) -> bool:
        return bool(contract.signed_file)

    def get_file_url(self, contract) -> str | None:
        if not contract.signed_file:
            return None
        return self.context["request"].build_absolute_uri(f"/api/v1/contracts/{contract.pk}/file/")


class ContractViewSet(MainObjectViewSet):
    model = Contract
    serializer_class = ContractSerializer
    search_fields = ["number", "title", "customer__name"]
    ordering_fields = ["sign_date", "amount", "created_at"]
    filterset_fields = ["owner", "owner_department", "status", "customer", "opportunity", "currency"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.contract_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        from qiao.core.api import Conflict
        from qiao.core.services import StaleVersion

        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        try:
            serializer.instance = services.contract_update(
                actor=self.request.user, contract=serializer.instance, data=data, version=version
            )
        except StaleVersion as error:
            raise Conflict from error

    @extend_schema(responses={200: bytes})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """The signed contract, after the permission check (whoever can view the contract)."""
        return signed_file_response(self.get_object())
