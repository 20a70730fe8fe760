"""Acceptance 4 / NFR-2: two reviewers approving at once, or two people dragging the same card,
never corrupt the opportunity: one wins, the other hears that someone was first (409).

On PostgreSQL with two real concurrent transactions (threads, each its own connection): the
service locks the row, so the second waits for the first to commit and then finds the version (or
the status) changed. On SQLite (which serializes writers) the same outcome, deterministically."""

import threading
import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from qiao.core.services import StaleVersion
from qiao.sales import matching, services
from qiao.sales.errors import SalesError, TransitionRefused
from qiao.sales.models import Opportunity, OpportunityEvent, OpportunityStatus
from tests.factories import OrganizationFactory
from tests.permissions_helpers import employee, role

from .helpers import REGISTRATION, opportunity, stage

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions")


def run_at_once(*calls, pause_inside=None, monkeypatch=None):
    """Runs each call in its own thread and database connection, released together; with
    `pause_inside`, the named service step sleeps, so the first transaction still holds its lock
    while the other arrives. Returns each call's result or exception."""
    if pause_inside is not None:
        module, name = pause_inside
        original = getattr(module, name)

        def slow(*args, **kwargs):
            time.sleep(0.4)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, slow)
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # the outcome under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def concurrent_world():
    organization = OrganizationFactory()
    rep = employee(organization, "华东组", role(organization, "代表", view="owner_department", edit="owner_department"))
    reviewer_role = role(organization, "经理", view="all", edit="all", codes=["opportunity.review"])
    first, second = employee(organization, "销售部", reviewer_role), employee(organization, "销售部", reviewer_role)
    return organization, rep, first, second


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_version", [True, False])
def test_acceptance4_two_reviewers_approving_at_once(monkeypatch, with_version):
    _organization, rep, first, second = concurrent_world()
    record = services.opportunity_register(actor=rep, data=dict(REGISTRATION))
    version = record.version if with_version else None

    def approve(user):
        return lambda: services.opportunity_approve(
            actor=type(user).objects.get(pk=user.pk), opportunity=Opportunity.objects.get(pk=record.pk), version=version
        )

    results = run_at_once(
        approve(first), approve(second), pause_inside=(matching, "clashes_as_system"), monkeypatch=monkeypatch
    )
    winners = [result for result in results if isinstance(result, Opportunity)]
    losers = [result for result in results if not isinstance(result, Opportunity)]
    assert len(winners) == 1 and len(losers) == 1, results
    expected = StaleVersion if with_version else TransitionRefused
    assert isinstance(losers[0], expected)
    if not with_version:
        assert losers[0].code == SalesError.NOT_SUBMITTED
    record.refresh_from_db()
    assert record.status == OpportunityStatus.APPROVED
    assert record.version == 2  # registered and submitted (1), approved once (2)
    assert OpportunityEvent.objects.filter(opportunity=record, kind="approved").count() == 1
    assert record.customer.opportunities.count() == 1  # one customer record, not two


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_acceptance4_two_people_dragging_the_same_card_through_the_api(monkeypatch):
    organization, rep, first, second = concurrent_world()
    record = opportunity(organization, rep)
    quoted, negotiating = stage(organization, "quoted"), stage(organization, "negotiating")

    def drag(user, target):
        client = APIClient()
        client.force_authenticate(user)
        return lambda: client.post(
            f"/api/v1/opportunities/{record.pk}/move-stage/", {"stage": target.pk, "version": 1}, format="json"
        )

    results = run_at_once(
        drag(first, quoted),
        drag(second, negotiating),
        pause_inside=(OpportunityEvent.objects, "create"),
        monkeypatch=monkeypatch,
    )
    codes = sorted(response.status_code for response in results)
    assert codes == [200, 409], [getattr(r, "content", r) for r in results]
    loser = next(response for response in results if response.status_code == 409)
    assert loser.json()["code"] == "stale_version"
    winner = next(response for response in results if response.status_code == 200)
    record.refresh_from_db()
    assert record.version == 2 and record.stage_id == winner.json()["stage"]
    assert OpportunityEvent.objects.filter(opportunity=record, kind="stage").count() == 1


def test_acceptance4_the_second_of_two_approvals_is_refused(sales):
    """The same race, serialized (SQLite serializes writers): both reviewers loaded version 2."""
    record = services.opportunity_register(actor=sales.rep, data=dict(REGISTRATION))
    seen_by_second = Opportunity.objects.get(pk=record.pk)
    services.opportunity_approve(actor=sales.manager, opportunity=record, version=record.version)
    with pytest.raises(StaleVersion):
        services.opportunity_approve(actor=sales.assistant, opportunity=seen_by_second, version=seen_by_second.version)
    with pytest.raises(TransitionRefused) as caught:
        services.opportunity_approve(actor=sales.assistant, opportunity=seen_by_second)
    assert caught.value.code == SalesError.NOT_SUBMITTED
    assert OpportunityEvent.objects.filter(opportunity=record, kind="approved").count() == 1


def test_acceptance4_the_second_drag_of_a_stale_card_gets_409(sales):
    from qiao.core.testing import client_for

    record = opportunity(sales.organization, sales.rep)
    url = f"/api/v1/opportunities/{record.pk}/move-stage/"
    first = client_for(sales.rep).post(
        url, {"stage": stage(sales.organization, "quoted").pk, "version": 1}, format="json"
    )
    second = client_for(sales.admin).post(
        url, {"stage": stage(sales.organization, "needs").pk, "version": 1}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert first.status_code == 200 and second.status_code == 409
    assert second.json()["code"] == "stale_version" and "Someone else changed" in second.json()["detail"]
    record.refresh_from_db()
    assert record.stage.code == "quoted"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_opp8_a_team_change_waits_for_a_concurrent_close_and_is_refused(monkeypatch):
    """Adding a colleague to the team locks the opportunity as the transitions do: while a
    colleague's "lost" holds the row, the addition waits, then finds it closed (no team member
    joins a lost deal after the fact)."""
    organization, rep, first, second = concurrent_world()
    record = opportunity(organization, rep)
    original = OpportunityEvent.objects.create

    def slow_create(*args, **kwargs):
        time.sleep(0.4)  # "lost" holds the row lock here
        return original(*args, **kwargs)

    monkeypatch.setattr(OpportunityEvent.objects, "create", slow_create)
    results = {}

    def lose():
        try:
            results["lose"] = services.opportunity_mark_lost(
                actor=type(first).objects.get(pk=first.pk),
                opportunity=Opportunity.objects.get(pk=record.pk),
                reason="预算取消",
            )
        finally:
            connection.close()

    def add_to_team():
        time.sleep(0.15)  # "lost" has taken the lock by now
        try:
            results["add"] = services.opportunity_team_add(
                actor=type(second).objects.get(pk=second.pk),
                opportunity=Opportunity.objects.get(pk=record.pk),  # read while still open
                user=rep,
            )
        except Exception as error:  # the outcome under test
            results["add"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=lose), threading.Thread(target=add_to_team)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert isinstance(results["lose"], Opportunity)
    assert isinstance(results["add"], TransitionRefused) and results["add"].code == SalesError.CLOSED
    assert not record.team.exists()


def test_opp8_team_and_competitor_changes_check_the_current_state_not_the_one_read(sales):
    """The same race, serialized: the page was read while the deal was open, then it was lost."""
    record = opportunity(sales.organization, sales.rep)
    read_while_open = Opportunity.objects.get(pk=record.pk)
    services.opportunity_mark_lost(actor=sales.rep, opportunity=record, reason="预算取消")
    with pytest.raises(TransitionRefused) as caught:
        services.opportunity_team_add(actor=sales.admin, opportunity=read_while_open, user=sales.manager)
    assert caught.value.code == SalesError.CLOSED
    assert not record.team.exists()
    # Competitors may still be noted on a closed deal (what it was lost to), from the current row.
    competitor = services.competitor_save(actor=sales.admin, opportunity=read_while_open, data={"name": "用友"})
    assert competitor.opportunity.status == OpportunityStatus.LOST
