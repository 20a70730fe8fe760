"""LEAD-5: daily contact targets (e.g. five new-prospect calls a day) per employee — set by managers
for their department, progress from today's calls about leads and customers, on the workbench and in
a team view that stays within the manager's reach."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from qiao.activities.services import activity_create
from qiao.core import services as core_services
from qiao.customers.leads import targets as lead_targets
from qiao.customers.models import DailyTarget, Lead
from tests.conftest import api_client_for
from tests.permissions_helpers import activity, customer, employee, role


@pytest.fixture
def world(organization):
    rep = role(organization, "代表", view="owner", edit="owner", activity={"view": "owner", "edit": "owner"})
    lead_role = role(
        organization,
        "组长",
        view="related_department",
        edit="owner",
        activity={"view": "related_department", "edit": "owner"},
        codes=["lead.targets"],
    )
    return {
        "organization": organization,
        "manager": employee(organization, "销售部", lead_role, full_name="组长王"),
        "rep": employee(organization, "华东组", rep, full_name="代表李"),
        "service": employee(organization, "客服部", rep, full_name="客服赵"),
    }


def calls(user, count, subject, **fields):
    for number in range(count):
        activity_create(
            actor=user, subject=subject, kind="call", starts_at=timezone.now() - timedelta(minutes=5 + number), **fields
        )


def test_lead5_a_manager_sets_targets_for_their_department_and_below_only(world, client):
    manager, rep, service = world["manager"], world["rep"], world["service"]
    assert lead_targets.daily_target_set(actor=manager, employee=rep, prospect_calls=5).prospect_calls == 5
    with pytest.raises(PermissionDenied):
        lead_targets.daily_target_set(actor=manager, employee=service, prospect_calls=5)
    with pytest.raises(PermissionDenied):
        lead_targets.daily_target_set(actor=rep, employee=rep, prospect_calls=50)  # no lead.targets
    with pytest.raises(ValidationError):
        lead_targets.daily_target_set(actor=manager, employee=rep, prospect_calls=0)
    client.force_login(manager)
    page = client.get(reverse("customers:targets")).content.decode()
    assert "代表李" in page and "客服赵" not in page
    client.post(
        reverse("customers:targets"), {f"target-{rep.pk}": "8", f"target-{service.pk}": "9", f"target-{manager.pk}": ""}
    )
    assert DailyTarget.objects.get(user=rep).prospect_calls == 8
    assert not DailyTarget.objects.filter(user__in=[service, manager]).exists()
    response = client.post(
        reverse("customers:targets"), {f"target-{rep.pk}": "abc"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "is not a number" in response.content.decode() and DailyTarget.objects.get(user=rep).prospect_calls == 8
    client.post(reverse("customers:targets"), {f"target-{rep.pk}": ""})
    assert not DailyTarget.objects.filter(user=rep).exists()  # empty: no target
    client.force_login(rep)
    assert client.get(reverse("customers:targets")).status_code == 404


def test_lead5_progress_counts_todays_calls_about_leads_and_customers(world):
    rep = world["rep"]
    lead_targets.daily_target_set(actor=world["manager"], employee=rep, prospect_calls=5)
    prospect = core_services.main_object_create(actor=rep, model=Lead, data={"name": "新客户"})
    shop = customer(world["organization"], name="嘉兴四季超市", owner=rep)
    calls(rep, 2, prospect)
    calls(rep, 1, shop)
    activity_create(actor=rep, subject=shop, kind="visit")  # not a call
    activity_create(actor=rep, kind="call")  # about nothing
    activity(world["organization"], owner=rep, subject=shop, kind="call", starts_at=timezone.now() - timedelta(days=1))
    activity(world["organization"], owner=rep, subject=shop, kind="call", starts_at=timezone.now() + timedelta(hours=3))
    (progress,) = lead_targets.progress_of(viewer=rep, employees=[rep])
    assert (progress.target, progress.calls, progress.percent, progress.reached) == (5, 3, 60, False)
    calls(rep, 2, prospect)
    assert lead_targets.progress_of(viewer=rep, employees=[rep])[0].reached


def test_lead5_the_workbench_shows_the_employees_progress(world, client):
    rep = world["rep"]
    client.force_login(rep)
    assert 'data-widget="daily-target"' not in client.get(reverse("workbench")).content.decode()  # no target
    lead_targets.daily_target_set(actor=world["manager"], employee=rep, prospect_calls=4)
    calls(rep, 1, customer(world["organization"], name="湖州万和商行", owner=rep))
    page = client.get(reverse("workbench")).content.decode()
    widget = page[page.index('data-widget="daily-target"') :]
    assert 'style="width: 25%"' in widget and "data-calls>1<" in widget.replace(" ", "")
    client.force_login(world["manager"])
    page = client.get(reverse("workbench")).content.decode()
    assert reverse("customers:targets") in page[page.index('data-widget="daily-target"') :]  # the team link


def test_lead5_the_team_view_counts_only_what_the_manager_may_see(world, client):
    """The manager sees their department's calls; an employee of another department is not on the
    team, and their calls are counted nowhere the manager looks (PERM-3)."""
    manager, rep, service = world["manager"], world["rep"], world["service"]
    lead_targets.daily_target_set(actor=manager, employee=rep, prospect_calls=5)
    calls(rep, 3, customer(world["organization"], name="湖州聚源超市", owner=rep))
    calls(service, 4, customer(world["organization"], name="客服的客户", owner=service))
    client.force_login(manager)
    page = client.get(reverse("customers:targets")).content.decode()
    row = page[page.index(f'data-employee="{rep.pk}"') :]
    assert "3 / 5" in row[: row.index("</tr>")]
    assert f'data-employee="{service.pk}"' not in page
    rows = api_client_for(manager).get("/api/v1/daily-targets/").json()
    assert {row["full_name"]: (row["target"], row["calls"]) for row in rows}["代表李"] == (5, 3)
    assert "客服赵" not in {row["full_name"] for row in rows}
    assert (
        api_client_for(manager).post("/api/v1/daily-targets/", {"user": service.pk, "prospect_calls": 5}).status_code
        == 404
    )
    response = api_client_for(manager).post("/api/v1/daily-targets/", {"user": rep.pk, "prospect_calls": 6})
    assert response.status_code == 200 and response.json()["target"] == 6
    # A manager whose activity scope is only their own sees 0 calls of the team, never the count.
    narrow = employee(
        world["organization"],
        "销售部",
        role(world["organization"], "窄组长", activity={"view": "owner"}, codes=["lead.targets"]),
    )
    assert {p.employee.pk: p.calls for p in lead_targets.progress_of(viewer=narrow, employees=[rep])} == {rep.pk: 0}


def test_lead5_an_employee_without_targets_or_team_sees_only_their_own(world):
    rep = world["rep"]
    rows = api_client_for(rep).get("/api/v1/daily-targets/").json()
    assert [row["user"] for row in rows] == [rep.pk]
    assert api_client_for(rep).post("/api/v1/daily-targets/", {"user": rep.pk, "prospect_calls": 5}).status_code == 404
