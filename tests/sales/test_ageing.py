"""OPP-9 stage ageing: the time in the current stage is shown; an opportunity longer in its stage
than the stage allows reminds its owner and their manager once, from the worker's schedule."""

import datetime as dt

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from qiao.core.models import Notification
from qiao.sales import services
from qiao.sales.models import Opportunity, Stage, is_overdue_in
from qiao.sales.tasks import stage_ageing_reminders

from .helpers import opportunity, stage


def test_opp9_an_overdue_opportunity_reminds_owner_and_manager_once(sales):
    limit = stage(sales.organization, "target").ageing_limit_days
    overdue = opportunity(sales.organization, sales.rep, days_in_stage=limit + 1)
    opportunity(sales.organization, sales.rep2, days_in_stage=limit - 1, customer_name="未超期", phone="13700000001")
    opportunity(
        sales.organization,
        sales.rep2,
        status="won",
        stage_code="signed",
        days_in_stage=400,
        customer_name="已成交",
        phone="13700000002",
    )
    assert services.stage_ageing_remind_as_system() == 1
    notes = Notification.objects.filter(verb="opportunity.ageing")
    # The owner, and the reviewers of the nearest department above theirs (销售部), not the administrator.
    assert set(notes.values_list("recipient", flat=True)) == {sales.rep.pk, sales.manager.pk, sales.assistant.pk}
    assert all(note.target_id == overdue.pk for note in notes)
    assert f"{limit + 1}" in str(notes.get(recipient=sales.rep)) and "张伟" in str(notes.get(recipient=sales.manager))
    assert overdue.events.filter(kind="ageing").count() == 1
    assert services.stage_ageing_remind_as_system() == 0  # once per stay in the stage
    assert notes.count() == 3


def test_opp9_a_new_stage_starts_the_clock_again(sales):
    record = opportunity(sales.organization, sales.rep, days_in_stage=40)
    services.stage_ageing_remind_as_system()
    moved = services.opportunity_move_stage(
        actor=sales.rep, opportunity=record, stage=stage(sales.organization, "needs")
    )
    later = timezone.now() + dt.timedelta(days=stage(sales.organization, "needs").ageing_limit_days + 1)
    assert services.stage_ageing_remind_as_system(now=later) == 1
    moved.refresh_from_db()
    assert moved.ageing_notified_at == later


def test_opp9_a_stage_without_a_limit_never_reminds(sales):
    Stage.objects.filter(org=sales.organization).update(ageing_limit_days=None)
    opportunity(sales.organization, sales.rep, days_in_stage=999)
    assert services.stage_ageing_remind_as_system() == 0


def test_opp9_the_worker_runs_it_hourly_from_beats_schedule(sales):
    opportunity(sales.organization, sales.rep, days_in_stage=60)
    assert stage_ageing_reminders.apply().get() == 1
    task = PeriodicTask.objects.get(task="qiao.sales.stage_ageing_reminders")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "hours")


def test_opp9_time_in_stage_is_on_the_card_and_the_page(sales, client):
    record = opportunity(sales.organization, sales.rep, days_in_stage=45)
    client.force_login(sales.rep)
    page = client.get(f"/opportunities/{record.pk}/").content.decode()
    assert (
        'id="days-in-stage"' in page
        and "45" in page
        and "bg-red" in page[page.index('id="days-in-stage"') - 80 :][:200]
    )
    board = client.get("/opportunities/kanban/").content.decode()
    assert "qiao-overdue" in board and "45" in board


def test_opp9_the_badge_and_the_reminder_agree_at_the_boundary(sales):
    """Overdue means more than the limit in whole days in the stage — the days the card shows — for
    the badge, the reminder task and the workbench alike."""
    limit = stage(sales.organization, "target").ageing_limit_days
    now = timezone.now()
    day = dt.timedelta(days=1)
    boundary = now - (limit + 1) * day
    assert is_overdue_in(stage_entered_at=boundary, limit_days=limit, now=now)
    assert not is_overdue_in(stage_entered_at=boundary + dt.timedelta(microseconds=1), limit_days=limit, now=now)
    assert not is_overdue_in(stage_entered_at=boundary - 999 * day, limit_days=None, now=now)
    cases = {  # time in the stage → overdue?
        limit * day + dt.timedelta(hours=12): False,  # the card says `limit` days: not over it
        (limit + 1) * day - dt.timedelta(minutes=1): False,
        (limit + 1) * day: True,
        (limit + 1) * day + dt.timedelta(hours=5): True,
    }
    records = {}
    for index, (spent, _overdue) in enumerate(cases.items()):
        record = opportunity(
            sales.organization, sales.rep, customer_name=f"边界测试{index}号店", phone=f"1370000100{index}"
        )
        Opportunity.objects.filter(pk=record.pk).update(stage_entered_at=now - spent)
        records[spent] = Opportunity.objects.select_related("stage").get(pk=record.pk)
    assert services.stage_ageing_remind_as_system(now=now) == sum(cases.values())
    for spent, overdue in cases.items():
        record = Opportunity.objects.select_related("stage").get(pk=records[spent].pk)
        assert (record.ageing_notified_at is not None) == overdue, spent
        assert records[spent].is_overdue_in_stage == overdue, spent
        assert (record.days_in_stage > limit) == overdue
    for note in Notification.objects.filter(verb="opportunity.ageing", recipient=sales.rep):
        assert f"{limit + 1}" in str(note)  # never "in the stage for 14 days; the stage allows 14"
