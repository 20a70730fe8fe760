"""`/api/v1/customers/` (API-5)."""

from qiao.core.viewsets import MainObjectSerializer, MainObjectViewSet

from .models import Customer


class CustomerSerializer(MainObjectSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "phone", "unified_social_credit_code", "notes", *MainObjectSerializer.RELATION_FIELDS]


class CustomerViewSet(MainObjectViewSet):
    model = Customer
    serializer_class = CustomerSerializer
    search_fields = ["name", "phone", "unified_social_credit_code"]
    ordering_fields = ["created_at", "name"]
    filterset_fields = ["owner", "owner_department"]
