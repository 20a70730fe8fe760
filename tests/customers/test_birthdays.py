"""CUS-10 and MKT-3: the yearly birthday calendar of the customers' bosses and their contacts, lunar
birthdays on this year's solar date (leap months, the 30th of a 29-day month, 29 February), only
what the user may see, greetings by customer level recorded as activities, and the workbench's
upcoming birthdays."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from qiao.activities.models import Activity
from qiao.customers import birthday_calendar
from qiao.customers.models import Contact
from qiao.customers.views_birthdays import upcoming_widget_context
from tests.permissions_helpers import customer, employee, role

pytestmark = pytest.mark.django_db


def solar(month, day, year=None):
    return {"birthday_calendar": "solar", "birthday_month": month, "birthday_day": day, "birthday_year": year}


def lunar(month, day, leap=False, year=None):
    return {
        "birthday_calendar": "lunar",
        "birthday_month": month,
        "birthday_day": day,
        "birthday_leap_month": leap,
        "birthday_year": year,
    }


def contact(record, name, **birthday):
    return Contact.objects.create(org_id=record.org_id, customer=record, name=name, **birthday)


@pytest.fixture
def people(organization):
    rep_role = role(
        organization, "代表", view="owner", edit="owner", activity={"view": "owner", "edit": "owner", "delete": "owner"}
    )
    rep = employee(organization, "华东组", rep_role, full_name="王销售")
    other = employee(organization, "客服部", rep_role, full_name="李客服")
    return rep, other


def dates_of(entries):
    return {(entry.person, entry.date) for entry in entries}


def test_cus10_bosses_and_contacts_of_visible_customers_only(organization, people):
    rep, other = people
    mine = customer(organization, name="杭州西湖超市", owner=rep, boss_name="张老板", **solar(3, 15))
    contact(mine, "李采购", **solar(7, 1))
    contact(mine, "没生日的人")
    hidden = customer(organization, name="隐藏超市", owner=other, boss_name="隐藏老板", **solar(3, 16))
    contact(hidden, "隐藏联系人", **solar(7, 2))
    deleted = contact(mine, "已删除联系人", **solar(7, 3))
    Contact.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    entries = birthday_calendar.birthdays_between(rep, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert dates_of(entries) == {("张老板", dt.date(2025, 3, 15)), ("李采购", dt.date(2025, 7, 1))}
    assert [entry.is_boss for entry in entries] == [True, False]
    assert dates_of(birthday_calendar.birthdays_between(other, dt.date(2025, 1, 1), dt.date(2025, 12, 31))) == {
        ("隐藏老板", dt.date(2025, 3, 16)),
        ("隐藏联系人", dt.date(2025, 7, 2)),
    }


def test_cus10_a_boss_without_a_name_is_shown_by_the_customers_name(organization, people):
    rep, _other = people
    customer(organization, name="杭州西湖超市", owner=rep, **solar(5, 5))
    entries = birthday_calendar.birthdays_between(rep, dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    assert [entry.person for entry in entries] == ["杭州西湖超市"]


@pytest.mark.parametrize(
    ("birthday", "year", "expected"),
    [
        (lunar(1, 1), 2025, dt.date(2025, 1, 29)),  # Spring Festival 2025
        (lunar(2, 8, leap=True, year=2023), 2023, dt.date(2023, 3, 29)),  # 闰二月初八 in a year with 闰二月
        (lunar(2, 8, leap=True, year=2023), 2025, dt.date(2025, 3, 7)),  # no 闰二月 in 2025: the ordinary 二月初八
        (lunar(6, 10, leap=True), 2025, dt.date(2025, 8, 3)),  # 2025 has 闰六月
        (lunar(6, 10), 2025, dt.date(2025, 7, 4)),
        (lunar(12, 30), 2026, dt.date(2026, 2, 16)),  # 腊月 of 2025 has 29 days: New Year's Eve, the 29th
        (lunar(12, 30), 2025, dt.date(2025, 1, 28)),  # a 12th-month birthday falls in the next solar year
        (solar(2, 29, year=1996), 2025, dt.date(2025, 2, 28)),  # 29 February in a common year
        (solar(2, 29, year=1996), 2024, dt.date(2024, 2, 29)),
    ],
    ids=["spring-festival", "leap-month-in-leap-year", "leap-month-other-year", "leap-6", "ordinary-6",
         "30th-of-29-day-month", "12th-month-next-solar-year", "29-february-common-year", "29-february-leap-year"],
)  # fmt: skip
def test_cus10_lunar_and_leap_day_birthdays_fall_on_this_years_date(organization, people, birthday, year, expected):
    rep, _other = people
    customer(organization, name="杭州西湖超市", owner=rep, boss_name="张老板", **birthday)
    whole_year = birthday_calendar.birthdays_between(rep, dt.date(year, 1, 1), dt.date(year, 12, 31))
    assert [entry.date for entry in whole_year] == [expected]
    one_month = birthday_calendar.birthdays_between(
        rep,
        expected.replace(day=1),
        (expected.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
    )
    assert [entry.date for entry in one_month] == [expected]  # the month's narrower query still finds it


def test_cus10_the_year_page_lists_each_month(client, organization, people):
    rep, other = people
    customer(organization, name="杭州西湖超市", owner=rep, boss_name="张老板", abc_class="a", **lunar(12, 30))
    customer(organization, name="隐藏超市", owner=other, boss_name="隐藏老板", **solar(2, 16))
    client.force_login(rep)
    page = client.get(reverse("customers:birthdays") + "?year=2026").content.decode()
    assert page.count("data-month=") == 12
    february = page[page.index('data-month="2"') : page.index('data-month="3"')]
    assert 'data-date="2026-02-16"' in february and "张老板" in february and "农历腊月三十" in february
    assert "隐藏" not in page


def test_cus10_the_month_page_is_a_calendar_grid(client, organization, people):
    rep, _other = people
    record = customer(organization, name="杭州西湖超市", owner=rep, boss_name="张老板", **solar(2, 29))
    contact(record, "李采购", **lunar(1, 1))
    client.force_login(rep)
    page = client.get(reverse("customers:birthdays") + "?year=2025&month=2").content.decode()
    grid = page[page.index("data-month-grid") :]
    cell = grid[grid.index('data-day="2025-02-28"') :]
    assert "张老板" in cell[: cell.index("</td>")]
    assert "李采购" not in page  # 正月初一 2025 is 29 January
    january = client.get(reverse("customers:birthdays") + "?year=2025&month=1").content.decode()
    cell = january[january.index('data-day="2025-01-29"') :]
    assert "李采购" in cell[: cell.index("</td>")]


def test_cus10_odd_parameters_show_this_year(client, organization, people):
    rep, _other = people
    client.force_login(rep)
    for query in ("?year=abc", "?year=99999&month=13", "?month=-1", "?year=1800"):
        response = client.get(reverse("customers:birthdays") + query)
        assert response.status_code == 200 and str(timezone.localdate().year) in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "level", "greeting", "kind"),
    [
        ({"abc_class": "a"}, "key", "gift", "call"),
        ({"value_tier": "high"}, "key", "gift", "call"),
        ({"abc_class": "b"}, "regular", "call", "call"),
        ({"value_tier": "medium"}, "regular", "call", "call"),
        ({"abc_class": "c", "value_tier": "low"}, "basic", "message", "note"),
        ({}, "basic", "message", "note"),
    ],
)
def test_mkt3_the_greeting_depends_on_the_customers_level(organization, people, fields, level, greeting, kind):
    rep, _other = people
    record = customer(organization, name="杭州西湖超市", owner=rep, boss_name="张老板", **fields, **solar(6, 1))
    (entry,) = birthday_calendar.birthdays_between(rep, dt.date(2025, 6, 1), dt.date(2025, 6, 1))
    assert entry.level.code == level and entry.greeting.code == greeting
    activity = birthday_calendar.birthday_greeting_record(actor=rep, customer=record, greeting=entry.greeting.code)
    assert activity.kind == kind and activity.subject == record and activity.owner == rep
    assert "张老板" in activity.notes


def test_mkt3_greeting_from_the_calendar_records_an_activity(client, organization, people):
    rep, _other = people
    record = customer(organization, name="杭州西湖超市", owner=rep, boss_name="张老板", abc_class="a", **solar(6, 1))
    buyer = contact(record, "李采购", **lunar(5, 6))
    client.force_login(rep)
    page = client.get(reverse("customers:birthdays") + "?year=2025&month=6").content.decode()
    assert 'name="greeting" value="gift"' in page  # the A customer's default
    next_url = reverse("customers:birthdays") + "?year=2025&month=6"
    response = client.post(
        reverse("customers:birthday_greet"),
        {"customer": record.pk, "contact": buyer.pk, "greeting": "message", "year": "2025", "next": next_url},
    )
    assert response.status_code == 302 and response["Location"] == next_url
    activity = Activity.objects.get()
    assert activity.kind == "note" and activity.subject == record and "李采购" in activity.notes
    assert "2025-" in activity.notes  # the birthday's date that year
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    assert "李采购" in page[page.index('id="panel-activities"') :]  # on the customer's activities


def test_mkt3_greetings_are_refused_out_of_scope(client, organization, people):
    rep, other = people
    record = customer(organization, name="隐藏超市", owner=other, boss_name="隐藏老板", **solar(6, 1))
    mine = customer(organization, name="杭州西湖超市", owner=rep)
    someone_elses = contact(record, "隐藏联系人", **solar(6, 2))
    client.force_login(rep)
    url = reverse("customers:birthday_greet")
    assert client.post(url, {"customer": record.pk, "greeting": "call"}).status_code == 404
    assert client.post(url, {"customer": mine.pk, "contact": someone_elses.pk, "greeting": "call"}).status_code == 404
    assert client.post(url, {"customer": "x", "greeting": "call"}).status_code == 404
    client.post(url, {"customer": mine.pk, "greeting": "fireworks"})  # unknown greeting: a message, nothing saved
    assert not Activity.objects.exists()


def test_mkt3_without_the_activity_permission_nothing_is_recorded(client, organization):
    viewer = employee(organization, "客服部", role(organization, "只看客户", view="all", types=["customer"]))
    record = customer(organization, name="杭州西湖超市", boss_name="张老板", owner=viewer, **solar(6, 1))
    client.force_login(viewer)
    page = client.get(reverse("customers:birthdays") + "?year=2025&month=6").content.decode()
    assert "张老板" in page and 'name="greeting"' not in page
    client.post(reverse("customers:birthday_greet"), {"customer": record.pk, "greeting": "call"})
    assert not Activity.objects.exists()


def widget_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return upcoming_widget_context(request)


def test_cus10_upcoming_birthdays_of_the_next_7_days(organization, people):
    rep, other = people
    today = timezone.localdate()
    soon, later = today + dt.timedelta(days=3), today + dt.timedelta(days=9)
    customer(organization, name="甲超市", owner=rep, boss_name="三天后", **solar(soon.month, soon.day))
    customer(organization, name="乙超市", owner=rep, boss_name="今天", **solar(today.month, today.day))
    customer(organization, name="丙超市", owner=rep, boss_name="九天后", **solar(later.month, later.day))
    customer(organization, name="隐藏超市", owner=other, boss_name="隐藏", **solar(soon.month, soon.day))
    entries = widget_for(rep)["entries"]
    assert [entry.person for entry in entries] == ["今天", "三天后"]
    assert [entry.days_away for entry in entries] == [0, 3]


def test_cus10_the_workbench_shows_upcoming_birthdays(client, organization, people):
    rep, other = people
    today = timezone.localdate()
    customer(organization, name="甲超市", owner=rep, boss_name="张老板", **solar(today.month, today.day))
    customer(organization, name="隐藏超市", owner=other, boss_name="隐藏老板", **solar(today.month, today.day))
    client.force_login(rep)
    page = client.get(reverse("workbench")).content.decode()
    widget = page[page.index('data-widget="upcoming-birthdays"') :]
    assert "张老板" in widget and "隐藏" not in page


def test_cus10_out_of_scope_users_see_no_birthday_anywhere(client, organization, people):
    _rep, other = people
    nobody = employee(organization, "销售部", role(organization, "无", view="none"))
    today = timezone.localdate()
    record = customer(organization, name="隐藏超市", owner=other, boss_name="隐藏老板", **solar(today.month, today.day))
    contact(record, "隐藏联系人", **lunar(1, 1))
    client.force_login(nobody)
    for query in ("", f"?year={today.year}&month={today.month}", "?year=2025&month=1"):
        assert "隐藏" not in client.get(reverse("customers:birthdays") + query).content.decode()
    context = widget_for(nobody)
    assert context is None or context["entries"] == []
