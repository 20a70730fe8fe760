"""OPP-7 forecast by month and owner, weighted by stage probability; OPP-4 / ANA-5 the funnel
conversion report; both within PERM-3, and computed piece by piece with the same result as one query."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from qiao.core.testing import client_for
from qiao.sales import queries
from qiao.sales.models import Opportunity, OpportunityStatus

from .helpers import opportunity, stage

Status = OpportunityStatus


def month(offset: int) -> dt.date:
    first = timezone.localdate().replace(day=1)
    return queries.month_starts(first, offset + 1)[-1]


def test_opp7_forecast_weights_amounts_by_stage_probability_per_month_and_owner(sales):
    org = sales.organization
    opportunity(
        org, sales.rep, stage_code="quoted", amount=Decimal("10000"), expected_close_date=month(0).replace(day=20)
    )
    opportunity(
        org, sales.rep, stage_code="target", amount=Decimal("50000"), expected_close_date=month(1).replace(day=3)
    )
    opportunity(org, sales.rep2, stage_code="negotiating", amount=Decimal("20000"), expected_close_date=month(1))
    opportunity(org, sales.rep2, stage_code="quoted", amount=None, expected_close_date=month(1))  # no amount: left out
    opportunity(org, sales.rep2, stage_code="quoted", amount=Decimal("999"), expected_close_date=month(9))  # later
    won = opportunity(org, sales.rep, status=Status.WON, stage_code="signed", amount=Decimal("30000"))
    Opportunity.objects.filter(pk=won.pk).update(closed_at=timezone.now())
    report = queries.forecast(sales.admin, months=3)
    rows = {row["owner"]: row for row in report["rows"]}
    quoted, target, negotiating = (stage(org, code).probability for code in ("quoted", "target", "negotiating"))
    assert rows["张伟"]["cells"][0]["weighted"] == Decimal(10000 * quoted / 100).quantize(Decimal("0.01"))
    assert rows["张伟"]["cells"][1]["weighted"] == Decimal(50000 * target / 100).quantize(Decimal("0.01"))
    assert rows["张伟"]["cells"][0]["won"] == Decimal("30000")
    assert rows["李娜"]["cells"][1]["weighted"] == Decimal(20000 * negotiating / 100).quantize(Decimal("0.01"))
    assert rows["李娜"]["cells"][1]["count"] == 1 and rows["李娜"]["pipeline"] == Decimal("20000")
    assert (
        report["totals"][1]["weighted"] == rows["张伟"]["cells"][1]["weighted"] + rows["李娜"]["cells"][1]["weighted"]
    )


def test_opp7_forecast_holds_only_what_the_user_can_see(sales, client):
    opportunity(sales.organization, sales.rep, amount=Decimal("10000"), expected_close_date=month(0))
    opportunity(
        sales.organization,
        sales.outsider,
        amount=Decimal("77777"),
        expected_close_date=month(0),
        customer_name="保密客户",
        phone="13800000000",
    )
    rows = queries.forecast(sales.rep, months=2)["rows"]
    assert [row["owner"] for row in rows] == ["张伟"]
    client.force_login(sales.rep)
    page = client.get("/opportunities/forecast/").content.decode()
    table = page[page.index('id="forecast-table"') :]  # (the owner filter lists every employee: the directory)
    assert "陈客服" not in table and "77,777" not in page and "77777" not in page
    csv_text = client.get("/opportunities/forecast/?export=csv").content.decode("utf-8-sig")
    assert "张伟" in csv_text and "陈客服" not in csv_text
    api = client_for(sales.rep).get("/api/v1/opportunities/forecast/?months=2").json()
    assert [row["owner_name"] for row in api["rows"]] == ["张伟"]


def test_opp4_funnel_counts_how_far_registered_opportunities_got(sales):
    org = sales.organization
    for code in ("target", "needs", "needs", "quoted"):
        opportunity(org, sales.rep, stage_code=code)
    won = opportunity(org, sales.rep, status=Status.WON, stage_code="signed")
    lost = opportunity(org, sales.rep, status=Status.LOST, stage_code="lost")
    Opportunity.objects.filter(pk=lost.pk).update(max_stage_position=stage(org, "needs").position)
    opportunity(org, sales.rep, status=Status.SUBMITTED)  # not registered yet: not in the funnel
    report = queries.funnel(sales.admin)
    by_code = {row.stage.code: row for row in report["rows"]}
    assert [row.stage.code for row in report["rows"]] == [
        "target",
        "obtained",
        "needs",
        "solution",
        "quoted",
        "negotiating",
        "signed",
    ]
    assert by_code["target"].reached == 6 and by_code["target"].here == 1
    assert by_code["needs"].reached == 5 and by_code["needs"].here == 2 and by_code["needs"].lost_here == 1
    assert by_code["quoted"].reached == 2 and by_code["signed"].reached == 1
    assert by_code["needs"].conversion == by_code["solution"].reached / 5
    assert (report["registered"], report["won"], report["lost"]) == (6, 1, 1)
    assert won.pk


def test_opp4_funnel_within_perm3_and_by_registration_date(sales, client):
    opportunity(sales.organization, sales.rep, stage_code="needs")
    hidden = opportunity(
        sales.organization, sales.outsider, stage_code="quoted", customer_name="保密客户", phone="13800000000"
    )
    assert queries.funnel(sales.rep)["registered"] == 1
    assert queries.funnel(sales.admin)["registered"] == 2
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert queries.funnel(sales.admin, since=tomorrow)["registered"] == 0
    client.force_login(sales.rep)
    page = client.get("/opportunities/funnel/").content.decode()
    assert 'id="funnel-registered">1<' in page
    body = client_for(sales.outsider).get("/api/v1/opportunities/funnel/").json()
    assert body["registered"] == 1 and hidden.pk


def test_reports_by_pieces_equal_one_grouped_query(sales):
    """The piecewise grouping (queries.grouped) adds up to exactly what one GROUP BY over the OR gives."""
    org = sales.organization
    opportunity(org, sales.rep, stage_code="needs")
    opportunity(org, sales.rep2, stage_code="needs", related_users=[sales.rep])
    opportunity(org, sales.manager, stage_code="quoted", related_users=[sales.rep])
    opportunity(org, sales.outsider, stage_code="quoted", customer_name="别家", phone="13800000000")
    for user in (sales.rep, sales.manager, sales.outsider, sales.admin):
        visible = Opportunity.objects.visible_to(user)
        assert len(queries.piecewise(visible)) >= 1
        by_pieces = queries.grouped(visible, ["stage"], count=Count("pk"))
        plain = {
            (row["stage"],): {"count": row["count"]}
            for row in visible.values("stage").annotate(count=Count("pk")).order_by()
        }
        assert by_pieces == plain
    assert len(queries.piecewise(Opportunity.objects.visible_to(sales.manager))) > 1


def test_opp7_forecast_never_adds_up_amounts_in_different_currencies(sales, client):
    org = sales.organization
    opportunity(org, sales.rep, amount=Decimal("10000"), expected_close_date=month(0))
    opportunity(
        org, sales.rep, amount=Decimal("3000"), currency="USD", expected_close_date=month(0), phone="13700000001"
    )
    in_yuan = queries.forecast(sales.admin, months=1)
    assert in_yuan["currency"] == "CNY" and in_yuan["totals"][0]["pipeline"] == Decimal("10000")
    in_dollars = queries.forecast(sales.admin, months=1, currency="USD")
    assert in_dollars["totals"][0]["pipeline"] == Decimal("3000")
    client.force_login(sales.admin)
    page = client.get("/opportunities/forecast/?currency=USD", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "US$3,000" in page and "Expected revenue in USD" in page and "13,000" not in page
    unknown = client.get("/opportunities/forecast/?currency=XYZ", HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 200 and "¥10,000" in unknown.content.decode()  # the page falls back to CNY
    csv_text = client.get("/opportunities/forecast/?export=csv&currency=USD").content.decode("utf-8-sig")
    assert "3000.00" in csv_text and "USD" in csv_text and "10000.00" not in csv_text
    api = client_for(sales.admin).get("/api/v1/opportunities/forecast/?months=1&currency=USD").json()
    assert api["currency"] == "USD" and Decimal(str(api["rows"][0]["pipeline"])) == Decimal("3000")
    refused = client_for(sales.admin).get("/api/v1/opportunities/forecast/?currency=XYZ", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "Choose one of: CNY" in refused.json()["currency"][0]
