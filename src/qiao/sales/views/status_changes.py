"""Status changes: a button per transition (submit, resubmit, approve, return, override, move to a
stage) and the pages that close an opportunity as won (with its contract) or lost (OPP-2 … OPP-6)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.contracts.forms import ContractWinForm
from qiao.core.forms import add_service_errors, whole_number
from qiao.core.generic import RecordView
from qiao.core.services import StaleVersion

from .. import services
from ..errors import STALE_MESSAGE, TransitionRefused
from ..forms import LoseForm
from ..models import Opportunity, Stage
from .opportunities import OpportunityViews, Status, visible_opportunity


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
