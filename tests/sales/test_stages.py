"""OPP-4 stages as data per organization, moving between them; OPP-8 / PERM-12 the team with
business roles on the stages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qiao.core.forms import error_codes
from qiao.core.models import Notification, ProcessStage
from qiao.core.testing import client_for
from qiao.sales import services, stages
from qiao.sales.errors import SalesError, TransitionRefused
from qiao.sales.models import Stage
from tests.factories import OrganizationFactory

from .helpers import opportunity, stage

API = "/api/v1/opportunities/"


def test_opp4_every_new_organization_gets_the_seeds_funnel(organization):
    rows = list(Stage.objects.filter(org=organization).order_by("position"))
    assert [row.code for row in rows] == [
        "target",
        "obtained",
        "needs",
        "solution",
        "quoted",
        "negotiating",
        "signed",
        "lost",
    ]
    assert [row.kind for row in rows][-2:] == ["won", "lost"]
    assert [row.probability for row in rows] == [*sorted(row.probability for row in rows[:-1]), 0]
    with translation.override("en"):
        assert str(rows[0]) == "Target customer"  # the standard name, in the reader's language
    assert rows[0].name == "" and rows[0].label_msgid == "Target customer"
    other = OrganizationFactory(name="另一家")
    assert Stage.objects.filter(org=other).count() == 8  # each its own
    assert (
        ProcessStage.objects.get(org=organization, process="opportunity", sales_stage=rows[3]).business_role
        == "pre_sales"
    )


def test_opp4_an_administrator_renames_reweights_adds_and_removes_stages(sales):
    needs = stage(sales.organization, "needs")
    updated = stages.stage_update(
        actor=sales.admin, stage=needs, data={"name": "需求调研", "probability": 40, "ageing_limit_days": 10}
    )
    assert str(updated) == "需求调研" and updated.probability == 40
    demo = stages.stage_create(actor=sales.admin, data={"name": "方案演示", "position": 45, "probability": 55})
    assert demo.kind == "open" and demo.process_stage.process == "opportunity"
    with pytest.raises(ValidationError) as caught:
        stages.stage_create(actor=sales.admin, data={"name": "需求调研"})
    assert error_codes(caught.value) == {SalesError.STAGE_NAME_TAKEN}
    stages.stage_delete(actor=sales.admin, stage=demo)
    assert not Stage.objects.filter(pk=demo.pk).exists()
    with pytest.raises(PermissionDenied):
        stages.stage_update(actor=sales.manager, stage=needs, data={"probability": 99})


def test_opp4_a_stage_that_held_opportunities_or_the_last_of_its_kind_stays(sales):
    quoted = stage(sales.organization, "quoted")
    opportunity(sales.organization, sales.rep, stage_code="quoted")
    with pytest.raises(ValidationError) as caught:
        stages.stage_delete(actor=sales.admin, stage=quoted)
    assert error_codes(caught.value) == {SalesError.STAGE_IN_USE}
    with pytest.raises(ValidationError):
        stages.stage_update(actor=sales.admin, stage=quoted, data={"kind": "lost", "probability": 0})
    with pytest.raises(ValidationError) as caught:
        stages.stage_delete(actor=sales.admin, stage=stage(sales.organization, "signed"))
    assert error_codes(caught.value) == {SalesError.NO_STAGES}


def test_opp4_a_stage_an_opportunity_has_left_cannot_be_removed_either(sales, client):
    """No opportunity is in the stage any more, but one was: its timeline names the stage, so the
    stage stays (renaming it is the way), through the service, the page and the API alike."""
    extra = stages.stage_create(actor=sales.admin, data={"name": "方案演示", "position": 25, "probability": 30})
    record = opportunity(sales.organization, sales.rep, stage_code="obtained")
    record = services.opportunity_move_stage(actor=sales.rep, opportunity=record, stage=extra)
    services.opportunity_move_stage(actor=sales.rep, opportunity=record, stage=stage(sales.organization, "needs"))
    assert not extra.opportunities.exists()
    with pytest.raises(ValidationError) as caught:
        stages.stage_delete(actor=sales.admin, stage=extra)
    assert error_codes(caught.value) == {SalesError.STAGE_IN_USE}
    client.force_login(sales.admin)
    client.post(f"/opportunities/stages/{extra.pk}/delete/", HTTP_ACCEPT_LANGUAGE="en")
    assert client_for(sales.admin).delete(f"/api/v1/opportunity-stages/{extra.pk}/").status_code == 400
    assert Stage.objects.filter(pk=extra.pk).exists()
    assert record.events.filter(kind="stage", to_stage=extra).exists() and record.events.filter(from_stage=extra)
    never_used = stages.stage_create(actor=sales.admin, data={"name": "样品测试", "position": 27, "probability": 32})
    stages.stage_delete(actor=sales.admin, stage=never_used)
    assert not Stage.objects.filter(pk=never_used.pk).exists()


def test_opp4_stages_api(sales):
    listed = client_for(sales.rep).get("/api/v1/opportunity-stages/").json()
    assert [row["code"] for row in listed][:2] == ["target", "obtained"]
    assert (
        client_for(sales.rep).patch(f"/api/v1/opportunity-stages/{listed[0]['id']}/", {"probability": 5}).status_code
        == 403
    )
    response = client_for(sales.admin).patch(
        f"/api/v1/opportunity-stages/{listed[0]['id']}/", {"probability": 5, "business_role": "电话销售"}, format="json"
    )
    assert response.status_code == 200 and response.json()["business_role"] == "电话销售"


def test_opp4_moving_a_registered_opportunity_between_open_stages(sales):
    record = opportunity(sales.organization, sales.rep, stage_code="obtained", days_in_stage=12)
    record.ageing_notified_at = record.stage_entered_at
    record.save()
    moved = services.opportunity_move_stage(
        actor=sales.rep, opportunity=record, stage=stage(sales.organization, "quoted"), version=record.version
    )
    assert moved.stage.code == "quoted" and moved.days_in_stage == 0 and moved.ageing_notified_at is None
    assert moved.max_stage_position == stage(sales.organization, "quoted").position
    back = services.opportunity_move_stage(actor=sales.rep, opportunity=moved, stage=stage(sales.organization, "needs"))
    assert back.max_stage_position == stage(sales.organization, "quoted").position  # the funnel remembers
    event = back.events.filter(kind="stage").first()
    assert (event.from_stage.code, event.to_stage.code, event.actor) == ("quoted", "needs", sales.rep)


def test_opp4_the_won_and_lost_stages_are_reached_by_closing_not_by_moving(sales):
    record = opportunity(sales.organization, sales.rep)
    for code in ("signed", "lost"):
        with pytest.raises(TransitionRefused) as caught:
            services.opportunity_move_stage(actor=sales.rep, opportunity=record, stage=stage(sales.organization, code))
        assert caught.value.code == SalesError.STAGE_NOT_OPEN


def test_opp4_moving_needs_edit_permission_and_tells_the_owner(sales):
    record = opportunity(sales.organization, sales.rep, related_users=[sales.rep2])
    with pytest.raises(PermissionDenied):  # related: sees it, may not edit it
        services.opportunity_move_stage(actor=sales.rep2, opportunity=record, stage=stage(sales.organization, "needs"))
    services.opportunity_move_stage(actor=sales.admin, opportunity=record, stage=stage(sales.organization, "needs"))
    assert Notification.objects.get(recipient=sales.rep, verb="opportunity.stage_moved").actor == sales.admin


def test_opp4_api_move_stage(sales):
    record = opportunity(sales.organization, sales.rep)
    api = client_for(sales.rep)
    needs = stage(sales.organization, "needs")
    response = api.post(f"{API}{record.pk}/move-stage/", {"stage": needs.pk, "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["stage"] == needs.pk and response.json()["version"] == 2
    other = OrganizationFactory(name="别家")
    foreign = Stage.objects.filter(org=other).first()
    assert api.post(f"{API}{record.pk}/move-stage/", {"stage": foreign.pk}, format="json").status_code == 400
    signed = stage(sales.organization, "signed")
    refused = api.post(f"{API}{record.pk}/move-stage/", {"stage": signed.pk}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "stage_not_open"


# --- OPP-8 / PERM-12: the team with business roles -------------------------------------------------


def test_perm12_a_role_puts_the_member_on_its_stages_and_none_on_the_roleless_ones(sales):
    record = opportunity(sales.organization, sales.rep)
    engineer = services.opportunity_team_add(
        actor=sales.rep, opportunity=record, user=sales.rep2, business_role="pre_sales"
    )
    assert [s.sales_stage.code for s in engineer.stages.all()] == ["solution"]
    helper = services.opportunity_team_add(actor=sales.rep, opportunity=record, user=sales.assistant)
    assert "solution" not in {s.sales_stage.code for s in helper.stages.all()}
    assert {s.sales_stage.code for s in helper.stages.all()} >= {"target", "quoted"}
    record.refresh_from_db()
    assert set(record.related_users.all()) == {sales.rep2, sales.assistant}  # they can open it now
    assert Notification.objects.filter(recipient=sales.rep2, verb="opportunity.team_added").exists()
    services.opportunity_team_remove(actor=sales.rep, opportunity=record, user=sales.rep2)
    record.refresh_from_db()
    assert set(record.related_users.all()) == {sales.assistant} and record.team.count() == 1


def test_perm12_when_every_stage_has_a_role_a_member_without_one_is_refused(sales):
    ProcessStage.objects.filter(org=sales.organization, process="opportunity", business_role="").update(
        business_role="销售"
    )
    record = opportunity(sales.organization, sales.rep)
    with pytest.raises(ValidationError) as caught:
        services.opportunity_team_add(actor=sales.rep, opportunity=record, user=sales.rep2)
    assert "business_role" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.opportunity_team_add(actor=sales.rep, opportunity=record, user=sales.rep2, business_role="不存在")


def test_opp8_team_api(sales):
    record = opportunity(sales.organization, sales.rep)
    api = client_for(sales.rep)
    response = api.post(f"{API}{record.pk}/team/", {"user": sales.rep2.pk, "business_role": "pre_sales"}, format="json")
    assert response.status_code == 200
    assert response.json() == [
        {
            "user": sales.rep2.pk,
            "user_name": "李娜",
            "business_role": "pre_sales",
            "business_role_label": response.json()[0]["business_role_label"],
            "stages": [stage(sales.organization, "solution").process_stage_id],
        }
    ]
    assert client_for(sales.outsider).get(f"{API}{record.pk}/team/").status_code == 404
