"""CUS-12: the public pool — who sees it, claiming within the limit, releasing, the automatic return
after N days without follow-up or M days without a deal (warned W days before), every move recorded
and shown on the customer's page, and nothing of it for users outside its reach."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from qiao.activities.services import activity_create
from qiao.core.forms import error_codes
from qiao.customers import pool_services, tasks
from qiao.customers.models import Contact, Customer, PoolEvent
from qiao.customers.pool import customer_settings, pool_is_open_to
from qiao.customers.services import prepare_customer
from qiao.org.models import Department
from tests.conftest import api_client_for
from tests.permissions_helpers import customer, employee, fresh, role


@pytest.fixture
def world(organization):
    rep = role(
        organization,
        "代表",
        view="owner",
        edit="owner",
        delete="owner",
        activity={"view": "owner", "edit": "owner", "delete": "owner"},
    )
    settings = customer_settings(organization.pk)
    settings.pool_departments.set([Department.objects.get(org=organization, name="销售部")])
    return {
        "organization": organization,
        "settings": settings,
        "rep": employee(organization, "华东组", rep, full_name="李娜"),  # below 销售部: the pool is open
        "other_rep": employee(organization, "销售部", rep, full_name="张伟"),
        "service": employee(organization, "客服部", rep, full_name="赵敏"),  # the pool is not open to 客服部
        "pooled": customer(organization, name="MARK-POOL 嘉兴四季超市"),
    }


def claimed(customer_record):
    return Customer.objects.get(pk=customer_record.pk)


def settings_of(world, **values):
    settings = customer_settings(world["organization"].pk)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


# --- Who sees the pool --------------------------------------------------------------------------------


def test_cus12_the_pool_shows_ownerless_customers_to_the_departments_it_is_open_to(world, client):
    owned = customer(world["organization"], name="已有主客户", owner=world["other_rep"])
    client.force_login(world["rep"])
    page = client.get(reverse("customers:pool")).content.decode()
    assert "MARK-POOL" in page and "已有主客户" not in page and 'data-action="claim"' in page
    names = [row["name"] for row in api_client_for(world["rep"]).get("/api/v1/pool/").json()["results"]]
    assert names == ["MARK-POOL 嘉兴四季超市"]
    client.force_login(world["service"])
    assert "MARK-POOL" not in client.get(reverse("customers:pool")).content.decode()
    assert api_client_for(world["service"]).get("/api/v1/pool/").json()["count"] == 0
    assert owned.pk  # the owned one is nobody's pool


def test_cus12_search_in_the_pool(world, client):
    prepare_customer(found := customer(world["organization"], name="宁波百佳超市"))
    found.save()
    client.force_login(world["rep"])
    page = client.get(reverse("customers:pool"), {"q": "nbbj"}).content.decode()
    assert "宁波百佳超市" in page and "MARK-POOL" not in page


def test_cus12_the_pool_shows_since_when_each_customer_is_in_it(world, client):
    """Since its release or return, or, for a customer created without an owner, since its creation."""
    created = timezone.make_aware(datetime(2025, 3, 14, 12))
    Customer.objects.filter(pk=world["pooled"].pk).update(created_at=created)
    released = customer(world["organization"], name="MARK-RELEASED 绍兴信诚商贸", owner=world["rep"])
    Customer.objects.filter(pk=released.pk).update(created_at=created)
    pool_services.customer_release(actor=world["rep"], customer=claimed(released))
    PoolEvent.objects.filter(customer=released).update(at=timezone.make_aware(datetime(2026, 8, 9, 12)))
    client.force_login(world["rep"])
    with translation.override("en"):
        page = client.get(reverse("customers:pool"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        created_on, released_on = (
            date_format(timezone.localtime(moment, ZoneInfo("Asia/Shanghai")), "SHORT_DATE_FORMAT")
            for moment in (created, timezone.make_aware(datetime(2026, 8, 9, 12)))
        )
    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0] for name in ("MARK-POOL", "MARK-RELEASED")}
    assert created_on in rows["MARK-POOL"] and released_on in rows["MARK-RELEASED"]


# --- Claiming ------------------------------------------------------------------------------------------


def test_cus12_claiming_makes_the_rep_owner_and_their_department_owner_department(world, client):
    rep, pooled = world["rep"], world["pooled"]
    client.force_login(rep)
    response = client.post(reverse("customers:pool_claim", args=[pooled.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("customers:detail", args=[pooled.pk])
    record = claimed(pooled)
    assert record.owner == rep and record.owner_department.name == "华东组" and record.claimed_at is not None
    event = PoolEvent.objects.get(customer=pooled)
    assert (event.kind, event.user) == ("claimed", rep)
    page = client.get(reverse("customers:detail", args=[pooled.pk])).content.decode()
    assert 'data-pool-event="claimed"' in page and 'data-action="release"' in page
    assert record.history.first().owner_id == rep.pk  # the claim is in the customer's history (CUS-11)


def test_cus12_a_claim_beyond_the_limit_is_refused_with_a_clear_message(world, client):
    settings_of(world, claim_limit=2)
    rep = world["rep"]
    customer(world["organization"], name="我的客户一", owner=rep)
    second = customer(world["organization"], name="池中客户二")
    pool_services.customer_claim(actor=rep, customer=second)  # 2 of 2 now
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        pool_services.customer_claim(actor=fresh(rep), customer=world["pooled"])
    assert "claim_limit" in error_codes(refused.value)
    assert "You already hold 2 customers and the limit is 2" in refused.value.messages[0]
    assert claimed(world["pooled"]).owner is None
    client.force_login(rep)
    response = client.post(
        reverse("customers:pool_claim", args=[world["pooled"].pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "the limit is 2" in response.content.decode()
    response = api_client_for(rep).post(f"/api/v1/pool/{world['pooled'].pk}/claim/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "the limit is 2" in response.json()["non_field_errors"][0]
    settings_of(world, claim_limit=0)  # 0: no limit
    assert pool_services.customer_claim(actor=fresh(rep), customer=world["pooled"]).owner == rep


def test_cus12_no_claim_when_the_pool_is_not_open_to_the_user(world, client):
    # Sees every customer through a wide scope, but the pool is open to 销售部 only.
    manager = employee(world["organization"], "客服部", role(world["organization"], "经理", view="all", edit="all"))
    client.force_login(manager)
    assert "MARK-POOL" in client.get(reverse("customers:pool")).content.decode()
    with pytest.raises(ValidationError) as refused:
        pool_services.customer_claim(actor=manager, customer=world["pooled"])
    assert "pool_closed" in error_codes(refused.value)
    assert 'data-action="claim"' not in client.get(reverse("customers:pool")).content.decode()
    response = api_client_for(manager).post(f"/api/v1/pool/{world['pooled'].pk}/claim/")
    assert response.status_code == 400 and claimed(world["pooled"]).owner is None


def test_cus12_a_customer_claimed_a_moment_ago_is_no_longer_claimable(world):
    pool_services.customer_claim(actor=world["rep"], customer=world["pooled"])
    from django.http import Http404

    with pytest.raises(Http404):  # no longer in the pool, and not visible to the second rep
        pool_services.customer_claim(actor=world["other_rep"], customer=world["pooled"])
    assert claimed(world["pooled"]).owner == world["rep"]


# --- Releasing -----------------------------------------------------------------------------------------


def test_cus12_releasing_gives_the_customer_back_to_the_pool(world, client):
    rep = world["rep"]
    mine = customer(world["organization"], name="绍兴信诚商贸", owner=rep, related_users=[world["other_rep"]])
    client.force_login(world["other_rep"])  # related, but may not edit
    assert client.post(reverse("customers:release", args=[mine.pk])).status_code == 404
    client.force_login(rep)
    response = client.post(reverse("customers:release", args=[mine.pk]), {"reason": "客户已转行"})
    assert response.status_code == 302
    record = claimed(mine)
    assert record.owner is None and record.owner_department is None
    assert list(record.related_users.all()) == [world["other_rep"]]  # the team stays
    assert (record.history.first().history_user, record.version) == (rep, 2)
    event = PoolEvent.objects.get(customer=mine)
    assert (event.kind, event.user, event.reason) == ("released", rep, "客户已转行")
    with pytest.raises(ValidationError) as refused:
        pool_services.customer_release(
            actor=world["organization"].employees.get(username__startswith="admin"), customer=record
        )
    assert "already_in_pool" in error_codes(refused.value)
    # Now in the pool, which is open to the rep: visible, but not theirs to release.
    assert api_client_for(rep).post("/api/v1/pool/release/", {"customer": mine.pk}).status_code == 403


# --- Automatic return and warnings ---------------------------------------------------------------------


def aged(owner, name, *, followed_days=None, deal_days=None, claimed_days=None, created_days=400, **fields):
    record = customer(owner.org, name=name, owner=owner, **fields)
    now = timezone.now()
    Customer.objects.filter(pk=record.pk).update(
        created_at=now - timedelta(days=created_days),
        last_followed_at=now - timedelta(days=followed_days) if followed_days is not None else None,
        last_deal_at=now - timedelta(days=deal_days) if deal_days is not None else None,
        claimed_at=now - timedelta(days=claimed_days) if claimed_days is not None else None,
    )
    return record


def test_cus12_customers_without_follow_up_for_n_days_return_to_the_pool(world):
    rep = world["rep"]
    stale = aged(rep, "三十一天未跟进", followed_days=31, deal_days=5, related_users=[world["other_rep"]])
    fresh_one = aged(rep, "昨天刚跟进", followed_days=1, deal_days=5)
    totals = pool_services.pool_return_due_as_system()
    assert totals["returned"] == 1
    assert claimed(stale).owner is None and claimed(fresh_one).owner == rep
    event = PoolEvent.objects.get(customer=stale, kind="returned")
    assert event.user == rep and "30" in event.reason
    latest = claimed(stale).history.first()  # recorded in the history too, with the team as it was
    assert latest.owner_id is None and latest.history_change_reason == "自动退回公海"
    assert list(latest.related_users.values_list("user_id", flat=True)) == [world["other_rep"].pk]


def test_cus12_customers_without_a_deal_for_m_days_return_to_the_pool(world):
    rep = world["rep"]
    no_deal = aged(rep, "九十一天无成交", followed_days=2, deal_days=91)
    aged(rep, "刚成交", followed_days=2, deal_days=10)
    pool_services.pool_return_due_as_system()
    assert claimed(no_deal).owner is None
    assert "90" in PoolEvent.objects.get(customer=no_deal, kind="returned").reason
    assert Customer.objects.filter(owner=rep).count() == 1


def test_cus12_a_claim_restarts_both_clocks(world):
    rep = world["rep"]
    recently_claimed = aged(rep, "刚认领", followed_days=200, deal_days=300, claimed_days=1)
    pool_services.pool_return_due_as_system()
    assert claimed(recently_claimed).owner == rep


def test_cus12_a_rule_of_zero_days_is_off(world):
    settings_of(world, return_after_days_without_follow_up=0, return_after_days_without_deal=0)
    record = aged(world["rep"], "很久没跟进", followed_days=500, deal_days=500)
    assert pool_services.pool_return_due_as_system() == {"warned": 0, "returned": 0}
    assert claimed(record).owner == world["rep"]


def test_cus12_owners_are_warned_once_w_days_before_the_return(world, client):
    rep = world["rep"]
    soon = aged(rep, "即将退回客户", followed_days=28, deal_days=5)  # returns in 2 days; warned 3 days before
    aged(rep, "还早的客户", followed_days=10, deal_days=5)
    assert pool_services.pool_return_due_as_system() == {"warned": 1, "returned": 0}
    assert pool_services.pool_return_due_as_system() == {"warned": 0, "returned": 0}  # once
    warning = PoolEvent.objects.get(customer=soon, kind="warned")
    assert warning.user == rep and (timezone.localdate() + timedelta(days=2)).isoformat() in warning.reason
    client.force_login(rep)
    workbench = client.get(reverse("workbench")).content.decode()
    widget = workbench[workbench.index('data-widget="pool-returning"') :]
    assert "即将退回客户" in widget and "还早的客户" not in widget
    page = client.get(reverse("customers:detail", args=[soon.pk])).content.decode()
    assert 'data-pool-event="warned"' in page
    # A follow-up keeps the customer: off the widget, and a new cycle may warn again later.
    activity_create(actor=rep, subject=soon, kind="call", notes="回访，下月续订")
    assert "即将退回客户" not in client.get(reverse("workbench")).content.decode()
    # A month on, after that follow-up, the customer is about to return again: a new warning.
    PoolEvent.objects.filter(customer=soon).update(at=timezone.now() - timedelta(days=29))
    Customer.objects.filter(pk=soon.pk).update(last_followed_at=timezone.now() - timedelta(days=28))
    assert pool_services.pool_return_due_as_system()["warned"] == 1


def test_cus12_the_nightly_task_is_scheduled_and_runs_the_job(world):
    from django_celery_beat.models import PeriodicTask

    schedule = PeriodicTask.objects.get(task=tasks.POOL_RETURN_TASK)
    assert schedule.enabled and schedule.crontab.hour == "2"
    tasks.ensure_schedules()  # idempotent, and an administrator's change stays
    assert PeriodicTask.objects.filter(task=tasks.POOL_RETURN_TASK).count() == 1
    stale = aged(world["rep"], "任务退回", followed_days=40, deal_days=1)
    result = tasks.pool_return.apply().get()
    assert result["returned"] == 1 and claimed(stale).owner is None


# --- Keeping the last follow-up current ----------------------------------------------------------------


def test_cus12_logging_an_activity_keeps_the_last_follow_up_current(world):
    rep = world["rep"]
    record = aged(rep, "跟进客户", followed_days=20, deal_days=1)
    before = claimed(record).last_followed_at
    activity_create(actor=rep, subject=record, kind="task", notes="计划拜访")
    activity_create(actor=rep, subject=record, kind="visit", starts_at=timezone.now() + timedelta(days=2))
    assert claimed(record).last_followed_at == before  # a plan is not a follow-up
    when = timezone.now() - timedelta(minutes=5)
    activity_create(actor=rep, subject=record, kind="visit", notes="上门拜访", starts_at=when)
    assert claimed(record).last_followed_at == when
    assert claimed(record).version == record.version  # bookkeeping: nobody's edit becomes stale
    activity_create(actor=rep, subject=record, kind="call", starts_at=when - timedelta(days=3))
    assert claimed(record).last_followed_at == when  # an older activity does not move it back


# --- Settings ------------------------------------------------------------------------------------------


def test_cus12_pool_settings_are_for_organization_admins(world, client, admin_user):
    client.force_login(world["rep"])
    assert client.get(reverse("customers:pool_settings")).status_code == 403
    client.force_login(admin_user)
    assert client.get(reverse("customers:pool_settings")).status_code == 200
    service = Department.objects.get(org=world["organization"], name="客服部")
    data = {
        "pool_departments": [service.pk],
        "claim_limit": 20,
        "return_after_days_without_follow_up": 15,
        "return_after_days_without_deal": 60,
        "warn_days_before_return": 2,
        "referral_reward_kind": "gift",
        "referral_reward_amount": "200",
        "referral_reward_gift": "",
        "version": customer_settings(world["organization"].pk).version,
    }
    page = client.post(reverse("customers:pool_settings"), data).content.decode()
    assert "is-invalid" in page and customer_settings(world["organization"].pk).claim_limit == 50  # gift missing
    response = client.post(reverse("customers:pool_settings"), {**data, "referral_reward_gift": "购物卡一张"})
    assert response.status_code == 302
    settings = customer_settings(world["organization"].pk)
    assert (settings.claim_limit, settings.return_after_days_without_follow_up, settings.referral_reward_gift) == (
        20,
        15,
        "购物卡一张",
    )
    assert list(settings.pool_departments.all()) == [service]
    page = client.post(reverse("customers:pool_settings"), {**data, "referral_reward_gift": "x"}).content.decode()
    assert "alert-danger" in page  # a stale version: someone saved in between
    assert pool_is_open_to(fresh(world["service"])) and not pool_is_open_to(fresh(world["rep"]))


# --- Out of scope ----------------------------------------------------------------------------------------


def test_an_out_of_scope_user_sees_nothing_of_the_pool(world, client):
    outsider = employee(world["organization"], "客服部", role(world["organization"], "无", view="none"))
    rep = world["rep"]
    mine = aged(rep, "MARK-OWNED", followed_days=29, deal_days=1)
    pool_services.pool_return_due_as_system()  # warns about MARK-OWNED
    client.force_login(outsider)
    for url in (reverse("customers:pool"), reverse("customers:pool") + "?q=POOL", reverse("workbench")):
        assert "MARK" not in client.get(url).content.decode(), url
    assert client.post(reverse("customers:pool_claim", args=[world["pooled"].pk])).status_code == 404
    assert client.post(reverse("customers:release", args=[mine.pk])).status_code == 404
    assert client.get(reverse("customers:detail", args=[mine.pk])).status_code == 404
    api = api_client_for(outsider)
    assert api.get("/api/v1/pool/?search=POOL").json()["count"] == 0
    assert api.post(f"/api/v1/pool/{world['pooled'].pk}/claim/").status_code == 404
    assert api.post("/api/v1/pool/release/", {"customer": mine.pk}).status_code == 404
    assert claimed(world["pooled"]).owner is None and claimed(mine).owner == rep


def test_cus12_the_pool_searches_as_the_customer_list_does(world, client):
    """The one customer search (CUS-6): a contact's name finds its customer; a NUL typed into the
    box is a space, not a server error on PostgreSQL."""
    pooled = world["pooled"]
    Contact.objects.create(org=pooled.org, customer=pooled, name="钱多多", name_pinyin="qianduoduo")
    client.force_login(world["rep"])
    assert "MARK-POOL" in client.get(reverse("customers:pool"), {"q": "钱多多"}).content.decode()
    response = client.get(reverse("customers:pool"), {"q": "MARK\x00POOL"})
    assert response.status_code == 200 and "MARK-POOL" in response.content.decode()
