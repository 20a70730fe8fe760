"""`/api/v1/customers/` and `/api/v1/contacts/` (API-5): every field of the archive, choice fields
as stable codes with their `<field>_display` labels, tags by name or id, `?search=` through the one
customer search (CUS-6), filters for the classifications (CUS-4). Contacts are seen and changed
only through their customer (`contacts_visible_to`, `contact_save`), with optimistic locking."""

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import filters as drf_filters
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core import services as core_services
from qiao.core.api import Conflict, FilterBackend
from qiao.core.forms import whole_number
from qiao.core.viewsets import MainObjectSerializer, MainObjectViewSet, OrgRelatedField, choice_label, linked_name

from . import queries, services
from .forms import CONTACT_FIELDS, SECTIONS
from .models import Contact, Customer, Tag, choices

ARCHIVE_FIELDS = [name for section in SECTIONS if section.key != "team" for name in section.fields if name != "tags"]
READ_ONLY_FIELDS = ["last_followed_at", "last_deal_at", "last_verified_at", "claimed_at", "created_at", "updated_at"]


def choice_field_names(model, names) -> list[str]:
    fields = {field.name: field for field in model._meta.get_fields()}
    return [name for name in names if getattr(fields.get(name), "choices", None)]  # serializer-only fields: none


class DisplayLabelsMixin:
    """Adds a read-only `<field>_display` (the translated label) beside every choice field, whose
    value stays the stable lower-case code (API-5)."""

    def get_fields(self):
        fields = super().get_fields()
        for name in choice_field_names(self.Meta.model, list(fields)):
            fields[f"{name}_display"] = choice_label(self.Meta.model, name)
        return fields


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class TagsField(serializers.Field):
    """Tags as a list of names; on writes, names (new ones become tags) or ids of the
    organization's tags, mixed as the client likes."""

    default_error_messages = {
        "not_a_list": _("Give the tags as a list of names or ids."),
        "unknown_id": _("There is no tag with the id %(id)s."),
        "too_long": _("A tag has at most 40 characters: “%(name)s” is longer."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Tag names; on writes also ids of existing tags."))
        super().__init__(**kwargs)

    def to_representation(self, value):
        return [tag.name for tag in value.all()]

    def reader(self):
        """For FastReadSerializer: the names read with the customer (`linked_values`), if they were."""
        annotation = linked_name("tags")

        def read(customer):
            names = customer.__dict__.get(annotation)
            return self.to_representation(customer.tags) if names is None else names

        return read

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        org_id = self.context["request"].user.org_id
        ids = [item for item in data if isinstance(item, int) and not isinstance(item, bool)]
        known = {tag.pk: tag for tag in Tag.objects.filter(org_id=org_id, pk__in=ids)}
        items = []
        for item in data:
            if isinstance(item, int) and not isinstance(item, bool):
                if item not in known:
                    raise serializers.ValidationError(self.error_messages["unknown_id"] % {"id": item})
                items.append(known[item])
            elif isinstance(item, str) and item.strip():
                if len(" ".join(item.split())) > 40:
                    raise serializers.ValidationError(self.error_messages["too_long"] % {"name": item})
                items.append(item)
            else:
                self.fail("not_a_list")
        return items


class CustomerSerializer(DisplayLabelsMixin, MainObjectSerializer):
    tags = TagsField(required=False)
    confirm_not_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_(
            "On create: true saves the customer even though the duplicate check (CUS-8) holds it to be an "
            "existing one. Without it such a create is a 400 listing the `duplicates`."
        ),
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            *ARCHIVE_FIELDS,
            "tags",
            *MainObjectSerializer.RELATION_FIELDS,
            *READ_ONLY_FIELDS,
            "confirm_not_duplicate",
        ]
        read_only_fields = READ_ONLY_FIELDS


class DuplicateMatchSerializer(serializers.Serializer):
    """A match as `dedupe.matches_for_user` shows it: without id, name and data when the user may
    not open the record, only that it exists and whose it is (PERM-3)."""

    type = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_blank=True)
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    visible = serializers.BooleanField()
    owner = serializers.CharField(required=False, help_text=_("Only for a match the user cannot see."))


class DuplicateRefusalSerializer(serializers.Serializer):
    confirm_not_duplicate = serializers.ListField(child=serializers.CharField())
    duplicates = DuplicateMatchSerializer(many=True)


class CustomerFilter(django_filters.FilterSet):
    """The classifications (CUS-4), region, tag (name or id), owner and department."""

    tag = django_filters.CharFilter(method="by_tag", label=_("Tag name or id"))

    class Meta:
        model = Customer
        fields = [
            "owner",
            "owner_department",
            *choices.CLASSIFICATION_FIELDS,
            "source",
            "preferred_channel",
            "province",
            "city",
            "district",
        ]

    def by_tag(self, queryset, name, value):
        value = value.strip()
        tags = Tag.objects.filter(org_id=self.request.user.org_id)
        tag_id = whole_number(value)
        tags = tags.filter(pk=tag_id) if tag_id is not None else tags.filter(name=value)
        return queryset.filter(pk__in=Customer.tags.through.objects.filter(tag__in=tags).values("customer_id"))


class CustomerSearchFilter(drf_filters.BaseFilterBackend):
    """`?search=`: the same search as the list page's box (customers/queries.py)."""

    def filter_queryset(self, request, queryset, view):
        text = request.query_params.get("search", "")
        if not text.strip():
            return queryset
        return queries.search(queryset, text, org_id=request.user.org_id)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "search",
                "required": False,
                "in": "query",
                "description": str(
                    _("Name, pinyin or initials, phone digits (4 or more), contact, tag, credit code or address.")
                ),
                "schema": {"type": "string"},
            }
        ]


class CustomerViewSet(MainObjectViewSet):
    model = Customer
    serializer_class = CustomerSerializer
    filter_backends = [
        FilterBackend,
        CustomerSearchFilter,
        drf_filters.OrderingFilter,
    ]
    filterset_class = CustomerFilter
    ordering_fields = ["created_at", "updated_at", "name"]
    linked_fields = {**MainObjectViewSet.linked_fields, "tags": "name"}

    def paginate_queryset(self, queryset):
        # A search in the default order (newest first) pages through its matches the fast way.
        params = self.request.query_params
        if params.get("search", "").strip() and not params.get("ordering"):
            queryset = queries.SearchResults(queryset)
        return super().paginate_queryset(queryset)

    @extend_schema(responses={201: CustomerSerializer, 400: DuplicateRefusalSerializer})
    def create(self, request, *args, **kwargs):
        """A new customer, unless the duplicate check (CUS-8) finds it among the existing ones: then a
        400 with the `duplicates` as the user may see them, until the body says
        `"confirm_not_duplicate": true`."""
        try:
            return super().create(request, *args, **kwargs)
        except services.DuplicateCustomer as error:
            body = {
                "confirm_not_duplicate": [str(message) for message in error.message_dict["confirm_not_duplicate"]],
                "duplicates": error.report.matches,
            }
            return Response(DuplicateRefusalSerializer(body).data, status=status.HTTP_400_BAD_REQUEST)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        confirmed = data.pop("confirm_not_duplicate", False)
        serializer.instance = services.customer_create(
            actor=self.request.user, data=data, confirm_not_duplicate=confirmed
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("confirm_not_duplicate", None)
        version = data.pop("version", None)
        try:
            serializer.instance = services.customer_update(
                actor=self.request.user, customer=serializer.instance, data=data, version=version
            )
        except core_services.StaleVersion as error:
            raise Conflict from error


# --- Contacts --------------------------------------------------------------------------------------


class VisibleCustomerField(OrgRelatedField):
    pass


class ContactSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    customer = VisibleCustomerField(queryset=Customer.objects, help_text=_("The customer's id; fixed once created."))
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Send the version you read; a stale one gets 409.")
    )

    class Meta:
        model = Contact
        fields = ["id", "customer", *CONTACT_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_customer(self, customer):
        if self.instance is not None and customer.pk != self.instance.customer_id:
            raise serializers.ValidationError(_("A contact stays with its customer; add a new contact instead."))
        return customer

    def validate(self, attrs):
        # Model validation (and normalization) is contact_save's, inside its transaction.
        return attrs


@extend_schema(
    parameters=[OpenApiParameter("customer", int, description=str(_("Only the contacts of this customer.")))]
)
class ContactViewSet(viewsets.ModelViewSet):
    """Contacts of the customers the user can see (CUS-2); writes need the right to edit the
    customer, and a stale `version` gets 409."""

    serializer_class = ContactSerializer
    queryset = Contact.objects.none()
    filter_backends = [FilterBackend, drf_filters.OrderingFilter]
    filterset_fields = ["customer", "decision_role", "is_primary"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return services.contacts_visible_to(self.request.user).order_by("customer_id", "-is_primary", "name", "pk")

    def _save(self, serializer, *, customer, contact=None):
        data = dict(serializer.validated_data)
        data.pop("customer", None)
        version = data.pop("version", None)
        try:
            serializer.instance = services.contact_save(
                actor=self.request.user, customer=customer, contact=contact, data=data, version=version
            )
        except core_services.StaleVersion as error:
            raise Conflict from error

    def perform_create(self, serializer):
        self._save(serializer, customer=serializer.validated_data["customer"])

    def perform_update(self, serializer):
        self._save(serializer, customer=serializer.instance.customer, contact=serializer.instance)

    def perform_destroy(self, instance):
        services.contact_delete(actor=self.request.user, contact=instance)

    @extend_schema(request=None, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Brings back a deleted contact of a customer the user may edit."""
        visible_customers = Customer.objects.visible_to(request.user).values("pk")
        contact = (
            Contact.all_objects.filter(
                org_id=request.user.org_id, customer__in=visible_customers, pk=whole_number(pk, default=0)
            )
            .exclude(deleted_at=None)
            .select_related("customer")
            .first()
        )
        if contact is None:
            raise Http404
        services.contact_restore(actor=request.user, contact=contact)
        return Response(
            ContactSerializer(contact, context=self.get_serializer_context()).data, status=status.HTTP_200_OK
        )
