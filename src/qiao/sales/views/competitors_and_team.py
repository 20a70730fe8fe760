"""Competitors and team: adding and removing an opportunity's competitors (OPP-5) and team members
(OPP-8), each a POST from the opportunity's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.core.forms import form_errors_as_message
from qiao.org.models import User

from .. import services
from ..forms import CompetitorForm, TeamMemberForm
from ..models import Competitor
from ..stages import stages_of
from .opportunities import visible_opportunity
from .status_changes import _run


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
        messages.error(request, form_errors_as_message(form))
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
        messages.error(request, form_errors_as_message(form))
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
