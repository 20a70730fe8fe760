"""`/api/v1/leads/`, `/api/v1/pool/`, `/api/v1/referral-rewards/` and `/api/v1/daily-targets/`
(API-1, API-5): the lead pages' data and actions. Choice fields take the stable lower-case codes and
also return their display label (`source_display`, `status_display`); status changes, conversion,
claiming and releasing are actions that call the same services as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core import services as core_services
from qiao.core.api import Conflict
from qiao.core.forms import MAX_ID
from qiao.core.viewsets import MainObjectSerializer, MainObjectViewSet, OrgRelatedField, choice_label
from qiao.org.models import User

from . import leads, pool_services
from .leads import targets as lead_targets
from .models import Customer, Lead, LeadStatus, ReferralReward


class LeadSerializer(MainObjectSerializer):
    referred_by_customer = OrgRelatedField(queryset=Customer.objects, allow_null=True, required=False)
    source_display = choice_label(Lead, "source")
    status_display = choice_label(Lead, "status")
    overdue = serializers.SerializerMethodField(help_text=_("The next follow-up date has passed."))

    class Meta:
        model = Lead
        fields = [
            "id",
            "name",
            "company",
            "title",
            "phone",
            "email",
            "wechat",
            "address",
            "province",
            "city",
            "district",
            "source",
            "source_display",
            "status",
            "status_display",
            "follow_up_days",
            "next_follow_up_at",
            "last_contacted_at",
            "overdue",
            "referred_by_customer",
            "referred_by_name",
            "converted_customer",
            "converted_at",
            "disqualified_reason",
            "capture_form",
            "notes",
            "created_at",
            *MainObjectSerializer.RELATION_FIELDS,
        ]
        read_only_fields = [
            "status",
            "last_contacted_at",
            "converted_customer",
            "converted_at",
            "disqualified_reason",
            "capture_form",
            "created_at",
        ]

    def get_overdue(self, lead) -> bool:
        return leads.is_overdue(lead)


class LeadStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LeadStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class LeadConvertSerializer(serializers.Serializer):
    customer = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Link to this existing customer instead."),
    )
    customer_name = serializers.CharField(required=False, max_length=200)
    customer_phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    contact_name = serializers.CharField(required=False, max_length=60)
    contact_title = serializers.CharField(required=False, allow_blank=True, max_length=60)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    ignore_duplicates = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(required=False, min_value=1)
    options = serializers.DictField(
        child=serializers.BooleanField(),
        required=False,
        help_text=_(
            "What other modules offer to do with the conversion, by name, as the conversion page's "
            'checkboxes: e.g. {"register_opportunity": true} also registers the opportunity (LEAD-3).'
        ),
    )


class ConversionResultSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    contact = serializers.IntegerField(allow_null=True)
    reward = serializers.IntegerField(allow_null=True)
    linked = serializers.BooleanField()
    created = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Records the chosen options created, e.g. the opportunity's id.")
    )
    messages = serializers.ListField(child=serializers.CharField())


class DuplicatesSerializer(serializers.Serializer):
    matches = serializers.ListField(child=serializers.DictField())


class LeadViewSet(MainObjectViewSet):
    model = Lead
    serializer_class = LeadSerializer
    search_fields = ["name", "company", "phone", "phone_digits", "name_pinyin", "name_initials", "email"]
    ordering_fields = ["created_at", "name", "next_follow_up_at"]
    filterset_fields = ["owner", "owner_department", "status", "source"]

    def get_queryset(self):
        return super().get_queryset().select_related("owner")

    @extend_schema(request=LeadStatusSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Contacted, qualified, hot, disqualified (with `reason`) or reopened (contacted)."""
        lead = self.get_object()
        body = LeadStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            lead = leads.lead_change_status(
                actor=request.user,
                lead=lead,
                status=body.validated_data["status"],
                reason=body.validated_data.get("reason", ""),
                version=body.validated_data.get("version"),
            )
        except core_services.StaleVersion as error:
            raise Conflict from error
        return Response(LeadSerializer(lead, context=self.get_serializer_context()).data)

    @extend_schema(request=LeadConvertSerializer, responses={201: ConversionResultSerializer})
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        """Creates the customer and its primary contact from the lead (or links an existing
        customer). Duplicates found → 400 with `matches`; send `ignore_duplicates` to go ahead."""
        lead = self.get_object()
        body = LeadConvertSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        link = None
        if data.get("customer"):
            link = Customer.objects.visible_to(request.user).filter(pk=data["customer"]).first()
            if link is None:
                return Response({"customer": [str(_("Unknown customer."))]}, status=status.HTTP_400_BAD_REQUEST)
        offered = {option.name for option in leads.conversion_options(request.user)}
        unknown = sorted(set(data.get("options", {})) - offered)
        if unknown:
            message = _("Unknown option: %(names)s. You may choose: %(offered)s.") % {
                "names": ", ".join(unknown),
                "offered": ", ".join(sorted(offered)) or "—",
            }
            return Response({"options": [message]}, status=status.HTTP_400_BAD_REQUEST)
        customer_data = {key[9:]: data[key] for key in ("customer_name", "customer_phone") if key in data}
        contact_data = {key[8:]: data[key] for key in ("contact_name", "contact_title", "contact_phone") if key in data}
        try:
            conversion = leads.lead_convert(
                actor=request.user,
                lead=lead,
                customer=link,
                customer_data=customer_data,
                contact_data=contact_data,
                ignore_duplicates=data["ignore_duplicates"],
                version=data.get("version"),
                options={name: data.get("options", {}).get(name, False) for name in offered},
            )
        except core_services.StaleVersion as error:
            raise Conflict from error
        except DjangoValidationError as error:
            body = {field: [str(m) for m in messages] for field, messages in _message_dict(error).items()}
            if "customer" in body:
                body["matches"] = leads.lead_duplicates(viewer=request.user, lead=lead, types=("customer",)).matches
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {
                "customer": conversion.customer.pk,
                "contact": conversion.contact.pk if conversion.contact else None,
                "reward": conversion.reward.pk if conversion.reward else None,
                "linked": conversion.linked,
                "created": {name: value.pk for name, value in conversion.extras.items() if hasattr(value, "pk")},
                "messages": [str(message) for message in conversion.extras.get("messages", [])],
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=DuplicatesSerializer)
    @action(detail=True, methods=["get"])
    def duplicates(self, request, pk=None):
        """The customers and leads the duplicate check (CUS-8) holds to be the same as this lead."""
        return Response({"matches": leads.lead_duplicates(viewer=request.user, lead=self.get_object()).matches})


def _message_dict(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {key if key != "__all__" else "non_field_errors": value for key, value in error.message_dict.items()}
    return {"non_field_errors": error.messages}


# --- The public pool (CUS-12) ---------------------------------------------------------------------


class PoolCustomerSerializer(serializers.ModelSerializer):
    source_display = choice_label(Customer, "source")

    class Meta:
        model = Customer
        fields = ["id", "name", "phone", "province", "city", "source", "source_display", "last_followed_at"]


class ReleaseSerializer(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class PoolViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Customers without an owner that the user may see; claim one, or release one of theirs."""

    serializer_class = PoolCustomerSerializer
    search_fields = ["name", "name_pinyin", "name_initials", "phone_digits", "city"]
    ordering_fields = ["name", "created_at", "last_followed_at"]
    filterset_fields = ["province", "city", "source"]

    def get_queryset(self):
        return pool_services.pool_visible_to(self.request.user).order_by("name", "pk")

    @extend_schema(request=None, responses=PoolCustomerSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """The user becomes the owner (refused beyond the claim limit, or when the pool is not
        open to them)."""
        customer = self.get_object()
        customer = pool_services.customer_claim(actor=request.user, customer=customer)
        return Response(PoolCustomerSerializer(customer).data)

    @extend_schema(request=ReleaseSerializer, responses=PoolCustomerSerializer)
    @action(detail=False, methods=["post"])
    def release(self, request):
        """Gives one of the user's customers (or one they may edit) back to the pool."""
        body = ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        customer = Customer.objects.visible_to(request.user).filter(pk=body.validated_data["customer"]).first()
        if customer is None:
            raise Http404
        customer = pool_services.customer_release(
            actor=request.user, customer=customer, reason=body.validated_data.get("reason", "")
        )
        return Response(PoolCustomerSerializer(customer).data)


# --- Referral rewards (LEAD-3) --------------------------------------------------------------------


class ReferralRewardSerializer(serializers.ModelSerializer):
    kind_display = choice_label(ReferralReward, "kind")
    status_display = choice_label(ReferralReward, "status")

    class Meta:
        model = ReferralReward
        fields = [
            "id",
            "lead",
            "introducer_name",
            "kind",
            "kind_display",
            "amount",
            "gift",
            "status",
            "status_display",
            "due_since",
            "paid_at",
            "paid_by",
        ]
        read_only_fields = fields


class ReferralRewardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReferralRewardSerializer
    filterset_fields = ["status", "kind"]
    ordering_fields = ["due_since", "paid_at"]

    def get_queryset(self):
        return leads.rewards_visible_to(self.request.user).order_by("-due_since", "-pk")

    @extend_schema(request=None, responses=ReferralRewardSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Records the reward as paid, by the user, now."""
        reward = leads.referral_reward_mark_paid(actor=request.user, reward=self.get_object())
        return Response(ReferralRewardSerializer(reward).data)


# --- Daily contact targets (LEAD-5) ---------------------------------------------------------------


class ProgressSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="employee.pk")
    full_name = serializers.CharField(source="employee.get_full_name")
    target = serializers.IntegerField(allow_null=True)
    calls = serializers.IntegerField(help_text=_("Calls about leads and customers today."))
    percent = serializers.IntegerField()


class TargetSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    prospect_calls = serializers.IntegerField(allow_null=True, min_value=1, max_value=lead_targets.MAX_DAILY_TARGET)


class DailyTargetViewSet(viewsets.GenericViewSet):
    """GET: today's progress of the user's team (managers) or of the user; POST: set a target."""

    serializer_class = ProgressSerializer
    pagination_class = None

    def get_queryset(self):
        return lead_targets.target_team(self.request.user)

    @extend_schema(responses=ProgressSerializer(many=True))
    def list(self, request):
        team = list(self.get_queryset().order_by("full_name")) or [request.user]
        return Response(
            ProgressSerializer(lead_targets.progress_of(viewer=request.user, employees=team), many=True).data
        )

    @extend_schema(request=TargetSerializer, responses=ProgressSerializer)
    def create(self, request):
        body = TargetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        employee = self.get_queryset().filter(pk=body.validated_data["user"]).first()
        if employee is None or not isinstance(employee, User):
            raise Http404
        lead_targets.daily_target_set(
            actor=request.user, employee=employee, prospect_calls=body.validated_data["prospect_calls"]
        )
        progress = lead_targets.progress_of(viewer=request.user, employees=[employee])[0]
        return Response(ProgressSerializer(progress).data)
