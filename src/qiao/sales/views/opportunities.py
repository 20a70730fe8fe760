"""The opportunity's own pages: the list and review queue (OPP-2), the opportunity's page,
registration (OPP-1), editing and deletion; and `visible_opportunity`, the lookup every opportunity
view shares."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qiao.contracts.models import Contract
from qiao.core import panels
from qiao.core.forms import whole_number
from qiao.core.generic import RecordDeleteView, RecordDetailView, RecordEditView, RecordListView
from qiao.core.permissions import can
from qiao.customers.models import Customer

from .. import queries, services
from ..errors import TransitionRefused
from ..filters import OpportunityFilter
from ..forms import CompetitorForm, OpportunityForm, ReasonForm, TeamMemberForm
from ..models import Opportunity, OpportunityEvent, OpportunityStatus, StageKind, business_role_label
from ..notifications import REVIEW_CODE
from ..stages import stages_of
from ..tables import OpportunityTable, status_badge

Status = OpportunityStatus


class OpportunityViews:
    model = Opportunity
    url_namespace = "opportunities"


class OpportunityListView(OpportunityViews, RecordListView):
    table_class = OpportunityTable
    filterset_class = OpportunityFilter
    template_name = "sales/opportunity_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("stage", "owner")

    def list_context(self, record_filter, table) -> dict:
        return {"title": _("Opportunities"), "is_review_queue": False}


class ReviewQueueView(OpportunityListView):
    """OPP-2: the registrations waiting for review that this reviewer can see."""

    def get(self, request):
        if not request.user.has_code(REVIEW_CODE):
            raise PermissionDenied(_("The review queue is for sales managers and assistants."))
        return super().get(request)

    def get_queryset(self):
        return super().get_queryset().filter(status=Status.SUBMITTED)

    def list_context(self, record_filter, table) -> dict:
        return {"title": _("Registrations waiting for review"), "is_review_queue": True}


def visible_opportunity(request, pk: int) -> Opportunity:
    record = (
        Opportunity.objects.visible_to(request.user)
        .select_related("stage", "owner", "owner_department", "customer", "created_by", "reviewed_by", "overridden_by")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    return record


def allowed_actions(user, record: Opportunity, can_edit: bool) -> dict:
    """Which status changes to offer: the services decide, the page only hides what they refuse."""
    own = user.pk in (record.created_by_id, record.owner_id)
    reviewer = user.has_code(REVIEW_CODE) and (not own or user.has_code("org.manage"))
    return {
        "submit": can_edit and record.status == Status.DRAFT,
        "resubmit": can_edit and record.status == Status.RETURNED,
        "review": reviewer and record.status == Status.SUBMITTED,
        "override": user.has_code("org.manage") and record.status == Status.CLASH,
        "follow": can_edit and record.status == Status.APPROVED,
        "edit": can_edit and record.status in (Status.DRAFT, Status.RETURNED, Status.APPROVED),
        "competitors": can_edit and record.status in (Status.APPROVED, Status.WON, Status.LOST),
        "team": can_edit and record.status == Status.APPROVED,
    }


class OpportunityDetailView(OpportunityViews, RecordDetailView):
    template_name = "sales/opportunity_detail.html"

    def get(self, request, pk: int):
        record = visible_opportunity(request, pk)
        can_edit = can(request.user, "edit", record)
        actions = allowed_actions(request.user, record, can_edit)
        events = list(record.events.select_related("actor", "from_stage", "to_stage"))
        stage_list = stages_of(record.org_id)
        team = list(record.team.select_related("user").prefetch_related("stages__sales_stage"))
        for member in team:
            member.business_role_label = business_role_label(member.business_role)
        roles = sorted({stage.business_role for stage in stage_list if stage.business_role})
        return render(
            request,
            self.template_name,
            self.base_context(
                record=record,
                status_badge=status_badge(record),
                ladder=[stage for stage in stage_list if stage.kind != StageKind.LOST],
                open_stages=[stage for stage in stage_list if stage.kind == StageKind.OPEN],
                can_edit=can_edit,
                can_delete=can(request.user, "delete", record),
                actions=actions,
                clashes=queries.clashes_for_user(request.user, record),
                timeline=[event for event in events if event.kind != OpportunityEvent.Kind.EXPECTED_DATE][:25],
                date_changes=[event for event in events if event.kind == OpportunityEvent.Kind.EXPECTED_DATE],
                competitors=list(record.competitors.all()),
                competitor_form=CompetitorForm(),
                team=team,
                team_form=TeamMemberForm(actor=request.user, roles=roles) if actions["team"] else None,
                contracts=list(Contract.objects.visible_to(request.user).filter(opportunity=record)),
                contacts=list(record.contacts.all()) if record.customer_id else [],
                customer_visible=bool(
                    record.customer_id
                    and Customer.objects.visible_to(request.user).filter(pk=record.customer_id).exists()
                ),
                reason_form=ReasonForm(initial={"version": record.version}),
                panels=panels.panels_for(request, record),
            ),
        )


class OpportunityEditView(OpportunityViews, RecordEditView):
    """Registration (OPP-1) and editing; a registration submits for review unless saved as a draft."""

    form_class = OpportunityForm
    template_name = "sales/opportunity_form.html"

    def get(self, request, pk: int | None = None):
        record = self.get_record(pk, "edit") if pk else self.require_add()
        form = self.form(record)
        if record is None and (customer_id := whole_number(request.GET.get("customer"))):
            customer = Customer.objects.visible_to(request.user).filter(pk=customer_id).first()
            if customer is not None:
                form.initial.update(
                    customer=customer.pk,
                    customer_name=customer.name,
                    phone=customer.phone or customer.mobile,
                    source=customer.source,
                    region=customer.city or customer.province,
                )
        return render(request, self.template_name, self.base_context(record=record, form=form))

    def post(self, request, pk: int | None = None):
        try:
            return super().post(request, pk)
        except TransitionRefused as error:
            messages.error(request, error.message)
            return redirect(self.url("detail", pk)) if pk else redirect(self.url("list"))

    def create(self, data: dict):
        return services.opportunity_register(
            actor=self.request.user, data=data, submit=self.request.POST.get("draft") != "1"
        )

    def update(self, record, data: dict, version: int | None):
        return services.opportunity_update(actor=self.request.user, opportunity=record, data=data, version=version)


class OpportunityDeleteView(OpportunityViews, RecordDeleteView):
    pass
