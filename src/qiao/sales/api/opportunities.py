"""The opportunities' viewset (OPP-1 … OPP-9): registration and editing, one action per status
change, the team, clashes and events, and the funnel and forecast reports."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core.money import DEFAULT_CURRENCY, Currency, known_currency
from qiao.core.viewsets import MainObjectViewSet

from .. import queries, services
from ..models import Opportunity, Stage
from .refusals import creation_refusals, refusals
from .serializers import (
    LoseSerializer,
    MoveStageSerializer,
    OpportunitySerializer,
    ReasonSerializer,
    TeamMemberSerializer,
    VersionSerializer,
    WinSerializer,
)


def _version(data) -> int | None:
    return data.get("version")


def _reason(data) -> str:
    return data.get("reason", "")


def _stage(data) -> Stage:
    return data["stage"]


class OpportunityViewSet(MainObjectViewSet):
    """Opportunities (OPP-1 … OPP-9). `POST` registers (OPP-1: the six facts, each missing one
    named in the 400) and submits for review unless `"submit": false`."""

    model = Opportunity
    serializer_class = OpportunitySerializer
    search_fields = ["title", "customer_name", "contact_name", "phone", "region"]
    ordering_fields = ["created_at", "amount", "expected_close_date", "stage_entered_at"]
    filterset_fields = ["owner", "owner_department", "status", "stage", "source", "customer"]
    linked_fields = {**MainObjectViewSet.linked_fields, "contacts": None}

    def get_queryset(self):
        return super().get_queryset().select_related("stage")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        submit = data.pop("submit", True)
        with creation_refusals():
            serializer.instance = services.opportunity_register(actor=self.request.user, data=data, submit=submit)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        data.pop("submit", None)
        with refusals():
            serializer.instance = services.opportunity_update(
                actor=self.request.user, opportunity=serializer.instance, data=data, version=version
            )

    def _answer(self, opportunity, **extra) -> Response:
        opportunity = self.with_linked_values(self.get_queryset()).get(pk=opportunity.pk)
        return Response({**self.get_serializer(opportunity).data, **extra})

    def _transition(self, request, serializer_class, service, **readers):
        """Validate the body, call `service` as the requesting user on this opportunity with the version
        sent, plus one keyword per reader (read from the validated body), and answer with the result."""
        opportunity = self.get_object()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        extra = {name: read(data) for name, read in readers.items()}
        with refusals():
            result = service(actor=request.user, opportunity=opportunity, version=_version(data), **extra)
        return self._answer(result)

    @extend_schema(request=VersionSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """A draft goes to review after the duplicate check; the answer's status is "submitted" or "clash"."""
        return self._transition(request, VersionSerializer, services.opportunity_submit)

    @extend_schema(request=VersionSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """OPP-2: approve a registration waiting for review. The duplicate check runs again; when it
        finds a clash the registration fails instead and the answer's status is "clash"."""
        return self._transition(request, VersionSerializer, services.opportunity_approve)

    @extend_schema(request=ReasonSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_correction(self, request, pk=None):
        """OPP-2: return a registration to its registrant with a reason."""
        return self._transition(request, ReasonSerializer, services.opportunity_return, reason=_reason)

    @extend_schema(request=VersionSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._transition(request, VersionSerializer, services.opportunity_resubmit)

    @extend_schema(request=ReasonSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """OPP-3: an administrator registers a registration that failed with a clash, with a reason."""
        return self._transition(request, ReasonSerializer, services.opportunity_override_clash, reason=_reason)

    @extend_schema(request=MoveStageSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"], url_path="move-stage")
    def move_stage(self, request, pk=None):
        """OPP-4: to another open stage (the kanban's drag and drop); send the version you read."""
        return self._transition(request, MoveStageSerializer, services.opportunity_move_stage, stage=_stage)

    @extend_schema(
        request=WinSerializer,
        responses=inline_serializer(
            "WonOpportunity",
            {
                "id": serializers.IntegerField(),
                "status": serializers.CharField(),
                "contract": serializers.IntegerField(),
            },
        ),
    )
    @action(detail=True, methods=["post"])
    def win(self, request, pk=None):
        """OPP-6: close as won; the contract (CON-1) is created in the same transaction."""
        opportunity = self.get_object()
        serializer = WinSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with refusals():
            try:
                opportunity, contract = services.opportunity_mark_won(
                    actor=request.user, opportunity=opportunity, contract=dict(data["contract"]), version=_version(data)
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict") or "contract" in error.error_dict:
                    raise
                # The contract's own fields, under "contract" as they were sent.
                messages = {name: [str(text) for text in texts] for name, texts in error.message_dict.items()}
                raise exceptions.ValidationError({"contract": messages}) from error
        return self._answer(opportunity, contract=contract.pk)

    @extend_schema(request=LoseSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def lose(self, request, pk=None):
        """OPP-6: close as lost with a reason and, when known, the competitor who won."""
        opportunity = self.get_object()
        serializer = LoseSerializer(data=request.data, opportunity=opportunity, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with refusals():
            result = services.opportunity_mark_lost(
                actor=request.user,
                opportunity=opportunity,
                reason=_reason(data),
                competitor=data.get("competitor"),
                competitor_name=data.get("competitor_name", ""),
                version=_version(data),
            )
        return self._answer(result)

    @extend_schema(methods=["post"], request=TeamMemberSerializer, responses=TeamMemberSerializer(many=True))
    @extend_schema(methods=["get"], responses=TeamMemberSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def team(self, request, pk=None):
        """OPP-8 / PERM-12: the team with business roles; POST adds (or re-roles) one employee."""
        opportunity = self.get_object()
        if request.method == "POST":
            serializer = TeamMemberSerializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            with refusals():
                services.opportunity_team_add(
                    actor=request.user,
                    opportunity=opportunity,
                    user=serializer.validated_data["user"],
                    business_role=serializer.validated_data["business_role"],
                )
        return Response(_team(opportunity))

    @extend_schema(request=TeamMemberSerializer, responses=TeamMemberSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="team/remove")
    def team_remove(self, request, pk=None):
        opportunity = self.get_object()
        serializer = TeamMemberSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with refusals():
            services.opportunity_team_remove(
                actor=request.user, opportunity=opportunity, user=serializer.validated_data["user"]
            )
        return Response(_team(opportunity))

    @extend_schema(responses=inline_serializer("Clash", {"type": serializers.CharField()}, many=True))
    @action(detail=True, methods=["get"])
    def clashes(self, request, pk=None):
        """OPP-3: the records the registration clashed with, as far as you may see them."""
        return Response(_jsonable(queries.clashes_for_user(request.user, self.get_object())))

    @extend_schema(responses=inline_serializer("OpportunityEvent", {"kind": serializers.CharField()}, many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The review trail, stage moves and expected-signing-date changes (OPP-2, OPP-5)."""
        opportunity = self.get_object()
        return Response(
            [
                {
                    "kind": event.kind,
                    "label": event.get_kind_display(),
                    "actor": event.actor_id,
                    "at": event.at,
                    "note": event.note,
                    "from_stage": event.from_stage_id,
                    "to_stage": event.to_stage_id,
                    "old_date": event.old_date,
                    "new_date": event.new_date,
                }
                for event in opportunity.events.all()
            ]
        )

    @extend_schema(
        parameters=[OpenApiParameter("since", dt.date), OpenApiParameter("until", dt.date)],
        responses=inline_serializer("Funnel", {"rows": serializers.ListField()}),
    )
    @action(detail=False, methods=["get"])
    def funnel(self, request):
        """The funnel conversion report over the opportunities you can see (OPP-4, ANA-5)."""
        since, until = _date_param(request, "since"), _date_param(request, "until")
        report = queries.funnel(request.user, since=since, until=until)
        return Response(
            {
                "registered": report["registered"],
                "won": report["won"],
                "lost": report["lost"],
                "win_rate": report["win_rate"],
                "rows": [
                    {
                        "stage": row.stage.pk,
                        "stage_name": str(row.stage),
                        "reached": row.reached,
                        "here": row.here,
                        "lost_here": row.lost_here,
                        "conversion": row.conversion,
                    }
                    for row in report["rows"]
                ],
            }
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("first_month", dt.date),
            OpenApiParameter("months", int),
            OpenApiParameter("currency", str, enum=Currency.values, description="default CNY"),
        ],
        responses=inline_serializer("Forecast", {"months": serializers.ListField()}),
    )
    @action(detail=False, methods=["get"])
    def forecast(self, request):
        """Expected revenue by month and owner, weighted by stage probability (OPP-7), in one
        currency (amounts in different currencies are never added up)."""
        months = queries.forecast_months(request.query_params.get("months"))
        currency = known_currency(request.query_params.get("currency", DEFAULT_CURRENCY))
        if currency is None:
            raise exceptions.ValidationError(
                {"currency": [_("Choose one of: %(codes)s.") % {"codes": ", ".join(Currency.values)}]}
            )
        report = queries.forecast(
            request.user, first_month=_date_param(request, "first_month"), months=months, currency=currency
        )
        return Response(
            {
                "months": [month.isoformat()[:7] for month in report["months"]],
                "currency": currency,
                "rows": [
                    {
                        "owner": row["owner_id"],
                        "owner_name": row["owner"],
                        "weighted": row["weighted"],
                        "pipeline": row["pipeline"],
                        "won": row["won"],
                        "by_month": row["cells"],
                    }
                    for row in report["rows"]
                ],
                "totals": report["totals"],
            }
        )


def _date_param(request, name: str) -> dt.date | None:
    value = request.query_params.get(name, "")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise exceptions.ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from error


def _jsonable(rows: list[dict]) -> list[dict]:
    return [{key: (str(value) if key == "found" else value) for key, value in row.items()} for row in rows]


def _team(opportunity) -> list[dict]:
    from ..models import business_role_label

    return [
        {
            "user": member.user_id,
            "user_name": member.user.get_full_name(),
            "business_role": member.business_role,
            "business_role_label": business_role_label(member.business_role),
            "stages": [stage.pk for stage in member.stages.all()],
        }
        for member in opportunity.team.select_related("user").prefetch_related("stages")
    ]
