"""The organization's panels on the workbench."""

import json

from django.utils import timezone

from qiao.core.workbench import Widget, register_widget

from . import queries
from .models import Department, User


def profile_context(request) -> dict:
    user = request.user
    return {
        "employee": user,
        "department_trail": Department.objects.get_ancestors(user.department) if user.department else [],
        "roles": list(user.roles.all()),
    }


def organization_context(request) -> dict | None:
    if request.user.org_id is None:
        return None
    headcount = queries.headcount_by_top_department(request.user)
    employees = User.objects.visible_to(request.user)
    return {
        "employee_count": employees.filter(is_active=True).count(),
        "department_count": Department.objects.visible_to(request.user).count(),
        "joined_this_month": employees.filter(
            date_joined__gte=timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        ).count(),
        "chart_data": json.dumps(
            {"labels": [name for name, _ in headcount], "values": [n for _, n in headcount]}, ensure_ascii=False
        ),
    }


def newcomers_context(request) -> dict | None:
    if request.user.org_id is None:
        return None
    newcomers = (
        User.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("department")
        .order_by("-date_joined", "-pk")[:6]
    )
    return {"newcomers": newcomers}


def register() -> None:
    register_widget(
        Widget("org.profile", "org/widgets/profile.html", profile_context, order=10, width="col-12 col-lg-4")
    )
    register_widget(
        Widget(
            "org.organization",
            "org/widgets/organization.html",
            organization_context,
            order=20,
            width="col-12 col-lg-8",
        )
    )
    register_widget(Widget("org.newcomers", "org/widgets/newcomers.html", newcomers_context, order=90))
