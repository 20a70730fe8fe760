"""Daily contact targets (LEAD-5): the manager's team page, where targets are set, and the
workbench widget of today's calls against one's own target."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qiao.core.forms import whole_number

from .leads import targets as lead_targets


@login_required
def targets(request):
    """The manager's team view: each employee's target and today's calls; targets are set here."""
    team = list(lead_targets.target_team(request.user).order_by("department__path", "full_name"))
    if not team:
        raise Http404
    if request.method == "POST":
        changed, problems = 0, []
        by_pk = {employee.pk: employee for employee in team}
        for key, value in request.POST.items():
            employee = by_pk.get(whole_number(key.removeprefix("target-"))) if key.startswith("target-") else None
            if employee is None:
                continue
            value = value.strip()
            try:
                number = int(value) if value else None
            except ValueError:
                problems.append(_("%(name)s: “%(value)s” is not a number.") % {"name": employee, "value": value})
                continue
            try:
                lead_targets.daily_target_set(actor=request.user, employee=employee, prospect_calls=number)
                changed += 1
            except ValidationError as error:
                problems.append(f"{employee}: {' '.join(error.messages)}")
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            messages.success(request, _("Daily targets saved."))
        return redirect("customers:targets")
    return render(
        request,
        "customers/targets.html",
        {
            "rows": lead_targets.progress_of(viewer=request.user, employees=team),
            "max_target": lead_targets.MAX_DAILY_TARGET,
        },
    )


def daily_target_widget(request) -> dict | None:
    """LEAD-5: today's calls against the employee's own target; managers get a link to their team."""
    user = request.user
    if not user.org_id:
        return None
    is_manager = lead_targets.target_team(user).exists()
    progress = lead_targets.progress_of(viewer=user, employees=[user])[0]
    if progress.target is None and not is_manager:
        return None
    return {"progress": progress, "is_manager": is_manager}
