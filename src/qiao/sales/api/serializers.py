"""The opportunity's serializer (with its contacts field) and the request bodies of its actions:
version, reason, stage move, win (with the contract), loss and team member."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qiao.core.money import DEFAULT_CURRENCY, Currency
from qiao.core.viewsets import MainObjectSerializer, OrgRelatedField, choice_label
from qiao.customers.models import Contact, Customer
from qiao.org.models import User

from ..models import Competitor, Opportunity, Stage


class ContactField(serializers.PrimaryKeyRelatedField):
    """Contacts of customers the requesting user can see."""

    def get_queryset(self):
        from qiao.customers.services import contacts_visible_to

        return contacts_visible_to(self.context["request"].user)


# Written by the review, the closing and the system, never by a client: read-only, and listed
# once for both the fields and the read-only fields.
SET_BY_THE_PROCESS = [
    "return_reason",
    "registered_at",
    "override_reason",
    "closed_at",
    "lost_reason",
    "lost_to",
    "created_by",
    "created_at",
    "updated_at",
]


class OpportunitySerializer(MainObjectSerializer):
    customer = OrgRelatedField(queryset=Customer.objects, allow_null=True, required=False)
    contacts = ContactField(many=True, required=False, queryset=Contact.objects.none())
    source_label = choice_label(Opportunity, "source")
    status_label = choice_label(Opportunity, "status")
    stage = serializers.PrimaryKeyRelatedField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)
    stage_name = serializers.SerializerMethodField()
    days_in_stage = serializers.IntegerField(read_only=True, allow_null=True)
    submit = serializers.BooleanField(
        write_only=True,
        required=False,
        default=True,
        help_text=_("On registration: submit for review at once (default), or keep a draft."),
    )

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "name",
            "title",
            "customer",
            "customer_name",
            "contact_name",
            "phone",
            "source",
            "source_label",
            "region",
            "description",
            "stage",
            "stage_name",
            "status",
            "status_label",
            "amount",
            "currency",
            "expected_close_date",
            "contacts",
            "samples",
            "project_summary",
            "days_in_stage",
            *SET_BY_THE_PROCESS,
            *MainObjectSerializer.RELATION_FIELDS,
            "submit",
        ]
        read_only_fields = ["status", *SET_BY_THE_PROCESS]

    def get_stage_name(self, opportunity) -> str:
        return str(opportunity.stage) if opportunity.stage_id else ""


class ContractInputSerializer(serializers.Serializer):
    """The contract a won opportunity needs (CON-1); the signed file can follow with
    `PATCH /api/v1/contracts/{id}/` (multipart)."""

    number = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = serializers.ChoiceField(choices=Currency.choices, default=DEFAULT_CURRENCY)
    sign_date = serializers.DateField()
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    terms = serializers.CharField(required=False, allow_blank=True)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Send the version you read; a stale one gets 409.")
    )


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class StageField(serializers.PrimaryKeyRelatedField):
    """A stage of the requesting user's organization; any other id reads as "does not exist"."""

    def get_queryset(self):
        return self.queryset.model.objects.filter(org_id=self.context["request"].user.org_id)


class MoveStageSerializer(VersionSerializer):
    stage = StageField(queryset=Stage.objects.none(), help_text=_("The id of an open stage."))


class WinSerializer(VersionSerializer):
    contract = ContractInputSerializer()


class LoseSerializer(ReasonSerializer):
    competitor = serializers.PrimaryKeyRelatedField(queryset=Competitor.objects.none(), required=False, allow_null=True)
    competitor_name = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def __init__(self, *args, opportunity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competitor"].queryset = Competitor.objects.filter(opportunity=opportunity)


class TeamMemberSerializer(serializers.Serializer):
    user = OrgRelatedField(queryset=User.objects)
    business_role = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
