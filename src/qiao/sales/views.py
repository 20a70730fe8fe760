"""Pages of opportunities: the list and review queue, registration (OPP-1), the opportunity's page
with its review trail, clashes, stage, follow-up data, competitors and team (OPP-2 … OPP-9), and a
page or button per status change. Views stay thin: querysets from `visible_to`, every write one
service call, every refusal shown as the service words it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.contracts.forms import ContractWinForm
from qiao.contracts.models import Contract
from qiao.core import panels
from qiao.core.forms import add_service_errors, whole_number
from qiao.core.generic import RecordDeleteView, RecordDetailView, RecordEditView, RecordListView, RecordView
from qiao.core.permissions import can
from qiao.core.services import StaleVersion
from qiao.customers.models import Customer
from qiao.org.models import User

from . import queries, services
from .errors import STALE_MESSAGE, TransitionRefused
from .filters import OpportunityFilter
from .forms import CompetitorForm, LoseForm, OpportunityForm, ReasonForm, TeamMemberForm
from .models import (
    Competitor,
    Opportunity,
    OpportunityEvent,
    OpportunityStatus,
    Stage,
    StageKind,
    business_role_label,
)
from .notifications import REVIEW_CODE
from .stages import stages_of
from .tables import OpportunityTable, status_badge

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


# --- Status changes -------------------------------------------------------------------------------


def _detail(record):
    return redirect("opportunities:detail", record.pk)


def _run(request, call) -> tuple[bool, object]:
    """One service call; its refusal becomes a message on the opportunity's page."""
    try:
        return True, call()
    except TransitionRefused as error:
        messages.error(request, error.message)
    except StaleVersion:
        messages.error(request, STALE_MESSAGE)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return False, None


def _transition_view(call_service, success_for):
    @login_required
    @require_POST
    def view(request, pk: int):
        record = visible_opportunity(request, pk)
        done, result = _run(request, lambda: call_service(request, record, whole_number(request.POST.get("version"))))
        if done:
            messages.success(request, success_for(result))
        return _detail(record)

    return view


def _after_review(result: Opportunity) -> str:
    if result.status == Status.CLASH:
        return _("The duplicate check found a clash at review: the registration failed and was not approved.")
    return _("Approved: %(name)s is registered.") % {"name": result}


def _after_submit(result: Opportunity) -> str:
    if result.status == Status.CLASH:
        return _("The registration failed: the customer is already held by someone else (撞单).")
    return _("Submitted for review.")


submit = _transition_view(
    lambda request, record, version: services.opportunity_submit(
        actor=request.user, opportunity=record, version=version
    ),
    _after_submit,
)
resubmit = _transition_view(
    lambda request, record, version: services.opportunity_resubmit(
        actor=request.user, opportunity=record, version=version
    ),
    _after_submit,
)
approve = _transition_view(
    lambda request, record, version: services.opportunity_approve(
        actor=request.user, opportunity=record, version=version
    ),
    _after_review,
)
return_for_correction = _transition_view(
    lambda request, record, version: services.opportunity_return(
        actor=request.user, opportunity=record, reason=request.POST.get("reason", ""), version=version
    ),
    lambda result: _("Returned to the registrant with your reason."),
)
override = _transition_view(
    lambda request, record, version: services.opportunity_override_clash(
        actor=request.user, opportunity=record, reason=request.POST.get("reason", ""), version=version
    ),
    lambda result: _("The clash is overridden; the opportunity is registered."),
)


def move_stage_view(request, record, version):
    stage = Stage.objects.filter(org_id=request.user.org_id, pk=whole_number(request.POST.get("stage")) or 0).first()
    if stage is None:
        raise ValidationError(_("Choose a stage."))
    return services.opportunity_move_stage(actor=request.user, opportunity=record, stage=stage, version=version)


move_stage = _transition_view(move_stage_view, lambda result: _("Moved to %(stage)s.") % {"stage": result.stage})


class ClosingView(OpportunityViews, RecordView):
    """Closing as won or lost: a form on its own page whose service refusals are shown on that form,
    and the opportunity's page once it is closed. Subclasses make the form and call the service."""

    success_message = ""

    def unbound_form(self, record: Opportunity):
        raise NotImplementedError

    def bound_form(self, request, record: Opportunity):
        raise NotImplementedError

    def close(self, record: Opportunity, form) -> None:
        raise NotImplementedError

    def get(self, request, pk: int):
        record = visible_opportunity(request, pk)
        return render(request, self.template_name, self.base_context(record=record, form=self.unbound_form(record)))

    def post(self, request, pk: int):
        record = visible_opportunity(request, pk)
        form = self.bound_form(request, record)
        if form.is_valid():
            try:
                self.close(record, form)
            except ValidationError as error:
                add_service_errors(form, error)
            except TransitionRefused as error:
                form.add_error(None, error.message)
            except StaleVersion:
                form.add_error(None, STALE_MESSAGE)
            else:
                messages.success(request, self.success_message)
                return _detail(record)
        return render(request, self.template_name, self.base_context(record=record, form=form))


class WinView(ClosingView):
    """OPP-6: closing as won needs the contract (CON-1), entered here and saved in one go."""

    template_name = "sales/opportunity_win.html"

    @property
    def success_message(self) -> str:
        return _("Won! The contract is saved with the opportunity.")

    def unbound_form(self, record: Opportunity):
        return ContractWinForm(initial={"version": record.version, "amount": record.amount, "title": str(record)})

    def bound_form(self, request, record: Opportunity):
        return ContractWinForm(request.POST, request.FILES)

    def close(self, record: Opportunity, form) -> None:
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        if not data.get("signed_file"):
            data.pop("signed_file", None)
        services.opportunity_mark_won(
            actor=self.request.user, opportunity=record, contract=data, version=form.cleaned_data.get("version")
        )


class LoseView(ClosingView):
    template_name = "sales/opportunity_lose.html"

    @property
    def success_message(self) -> str:
        return _("Closed as lost.")

    def unbound_form(self, record: Opportunity):
        return LoseForm(initial={"version": record.version}, opportunity=record)

    def bound_form(self, request, record: Opportunity):
        return LoseForm(request.POST, opportunity=record)

    def close(self, record: Opportunity, form) -> None:
        services.opportunity_mark_lost(
            actor=self.request.user,
            opportunity=record,
            reason=form.cleaned_data["reason"],
            competitor=form.cleaned_data.get("competitor"),
            competitor_name=form.cleaned_data.get("competitor_name", ""),
            version=form.cleaned_data.get("version"),
        )


# --- Competitors and team -------------------------------------------------------------------------


@login_required
@require_POST
def competitor_add(request, pk: int):
    record = visible_opportunity(request, pk)
    form = CompetitorForm(request.POST)
    if form.is_valid():
        done, _competitor = _run(
            request, lambda: services.competitor_save(actor=request.user, opportunity=record, data=form.cleaned_data)
        )
        if done:
            messages.success(request, _("Competitor saved."))
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(f"{record.get_absolute_url()}#competitors")


@login_required
@require_POST
def competitor_delete(request, pk: int, competitor_pk: int):
    record = visible_opportunity(request, pk)
    competitor = Competitor.objects.filter(opportunity=record, pk=competitor_pk).first()
    if competitor is None:
        raise Http404
    done, _result = _run(request, lambda: services.competitor_delete(actor=request.user, competitor=competitor))
    if done:
        messages.success(request, _("Competitor removed."))
    return redirect(f"{record.get_absolute_url()}#competitors")


@login_required
@require_POST
def team_add(request, pk: int):
    record = visible_opportunity(request, pk)
    roles = sorted({stage.business_role for stage in stages_of(record.org_id) if stage.business_role})
    form = TeamMemberForm(request.POST, actor=request.user, roles=roles)
    if form.is_valid():
        done, _member = _run(
            request,
            lambda: services.opportunity_team_add(
                actor=request.user,
                opportunity=record,
                user=form.cleaned_data["user"],
                business_role=form.cleaned_data["business_role"],
            ),
        )
        if done:
            messages.success(request, _("%(name)s joined the team.") % {"name": form.cleaned_data["user"]})
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(f"{record.get_absolute_url()}#team")


@login_required
@require_POST
def team_remove(request, pk: int, user_pk: int):
    record = visible_opportunity(request, pk)
    user = User.objects.visible_to(request.user).filter(pk=user_pk).first()
    if user is None:
        raise Http404
    done, _result = _run(
        request, lambda: services.opportunity_team_remove(actor=request.user, opportunity=record, user=user)
    )
    if done:
        messages.success(request, _("%(name)s left the team.") % {"name": user})
    return redirect(f"{record.get_absolute_url()}#team")
