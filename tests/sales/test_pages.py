"""The opportunity pages: registration (OPP-1), the page in every state with its actions (OPP-2 …
OPP-6), kanban (OPP-4), reports (OPP-7), stages, the review queue — and PERM-3 on each: an employee
who cannot see an opportunity finds it nowhere."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from qiao.contracts.models import Contract
from qiao.sales import services
from qiao.sales.errors import STALE_MESSAGE
from qiao.sales.models import Opportunity, OpportunityStatus, Stage

from .helpers import REGISTRATION, archived_customer, opportunity, stage

Status = OpportunityStatus


def test_opp1_registration_page_names_each_missing_fact_next_to_it(sales, client):
    client.force_login(sales.rep)
    assert client.get("/opportunities/add/").status_code == 200
    response = client.post("/opportunities/add/", {"customer_name": "", "owner": sales.rep.pk})
    page = response.content.decode()
    assert response.status_code == 200 and not Opportunity.objects.exists()
    for field in ("customer_name", "contact_name", "phone", "source", "region", "description"):
        assert f'id="id_{field}-error"' in page


def test_opp1_registration_page_registers_and_submits(sales, client):
    client.force_login(sales.rep)
    response = client.post("/opportunities/add/", {**REGISTRATION, "owner": sales.rep.pk})
    record = Opportunity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/opportunities/{record.pk}/"
    assert record.status == Status.SUBMITTED
    assert record.owner_department == sales.rep.department  # the empty choice: the owner's department
    client.post(
        "/opportunities/add/",
        {**REGISTRATION, "customer_name": "苏州观前百货", "phone": "13700000001", "owner": sales.rep.pk, "draft": "1"},
    )
    assert Opportunity.objects.get(customer_name="苏州观前百货").status == Status.DRAFT


def test_opp1_register_from_a_customers_page(sales, client):
    shop = archived_customer(sales.organization, name="南京永辉超市有限公司", owner=sales.rep, phone="025 8888 6666")
    client.force_login(sales.rep)
    page = client.get(f"/customers/{shop.pk}/").content.decode()
    assert f"/opportunities/add/?customer={shop.pk}" in page
    form = client.get(f"/opportunities/add/?customer={shop.pk}").content.decode()
    assert 'value="南京永辉超市有限公司"' in form and "025 8888 6666" in form


@pytest.mark.parametrize("status", list(Status.values))
def test_opportunity_page_in_every_state(sales, client, status):
    record = opportunity(sales.organization, sales.rep, status=status, stage_code="needs")
    for user in (sales.rep, sales.manager, sales.admin):
        client.force_login(user)
        response = client.get(f"/opportunities/{record.pk}/")
        assert response.status_code == 200
        assert f'data-status="{status}"' in response.content.decode()
    client.force_login(sales.manager)
    page = client.get(f"/opportunities/{record.pk}/").content.decode()
    assert ('data-action="approve"' in page) == (status == Status.SUBMITTED)
    client.force_login(sales.admin)
    page = client.get(f"/opportunities/{record.pk}/").content.decode()
    assert ('data-action="override"' in page) == (status == Status.CLASH)
    client.force_login(sales.rep)
    page = client.get(f"/opportunities/{record.pk}/").content.decode()
    assert ('data-action="win"' in page) == (status == Status.APPROVED)
    assert ('data-action="submit"' in page) == (status == Status.DRAFT)


def test_opp2_review_through_the_pages(sales, client):
    record = services.opportunity_register(actor=sales.rep, data=dict(REGISTRATION))
    client.force_login(sales.manager)
    queue = client.get("/opportunities/review/").content.decode()
    assert "杭州西湖茶叶有限公司" in queue
    client.post(f"/opportunities/{record.pk}/return/", {"reason": "", "version": record.version})
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED  # refused: no reason
    client.post(f"/opportunities/{record.pk}/approve/", {"version": record.version})
    record.refresh_from_db()
    assert record.status == Status.APPROVED
    stale = client.post(f"/opportunities/{record.pk}/approve/", {"version": 1}, follow=True).content.decode()
    with translation.override("zh-hans"):
        assert str(STALE_MESSAGE) in stale  # refused, and said so
    client.force_login(sales.rep)
    assert client.get("/opportunities/review/").status_code == 403


def test_opp6_win_and_lose_pages(sales, client):
    shop = archived_customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.rep)
    deal = opportunity(sales.organization, sales.rep, customer=shop, amount=Decimal("80000"))
    client.force_login(sales.rep)
    assert client.get(f"/opportunities/{deal.pk}/win/").status_code == 200
    invalid = client.post(
        f"/opportunities/{deal.pk}/win/",
        {"number": "", "amount": "1", "sign_date": "2026-11-01", "currency": "CNY", "status": "signed", "version": 1},
    )
    assert invalid.status_code == 200 and 'id="id_number-error"' in invalid.content.decode()
    upload = SimpleUploadedFile("合同扫描.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    done = client.post(
        f"/opportunities/{deal.pk}/win/",
        {
            "number": "HT-2026-0100",
            "amount": "80000",
            "sign_date": "2026-11-01",
            "currency": "CNY",
            "status": "signed",
            "version": 1,
            "signed_file": upload,
        },
    )
    assert done.status_code == 302
    contract = Contract.objects.get()
    assert contract.signed_file_name == "合同扫描.pdf" and "合同扫描" not in contract.signed_file.name
    assert client.get(f"/contracts/{contract.pk}/file/").status_code == 200
    client.force_login(sales.outsider)
    assert client.get(f"/contracts/{contract.pk}/file/").status_code == 404
    other = opportunity(sales.organization, sales.rep, customer_name="别家", phone="13700000000")
    client.force_login(sales.rep)
    assert client.get(f"/opportunities/{other.pk}/lose/").status_code == 200
    client.post(f"/opportunities/{other.pk}/lose/", {"reason": "预算取消", "competitor_name": "友商", "version": 1})
    other.refresh_from_db()
    assert other.status == Status.LOST and other.lost_to == "友商"


def test_opp4_kanban_shows_open_opportunities_by_stage_and_loads_more(sales, client):
    for number in range(23):
        opportunity(
            sales.organization,
            sales.rep,
            stage_code="needs",
            customer_name=f"门店{number:02d}",
            phone=f"1370000{number:04d}",
        )
    opportunity(sales.organization, sales.rep, status=Status.SUBMITTED, customer_name="待审核", phone="13600000000")
    client.force_login(sales.rep)
    page = client.get("/opportunities/kanban/").content.decode()
    needs = stage(sales.organization, "needs")
    assert page.count("qiao-kanban-card") == 20 and "待审核" not in page
    assert f'data-stage-id="{needs.pk}"' in page and 'data-action="load-more"' in page
    assert 'data-move-url="/api/v1/opportunities/' in page
    more = client.get(f"/opportunities/kanban/{needs.pk}/?page=2").content.decode()
    assert more.count("qiao-kanban-card") == 3 and 'data-action="load-more"' not in more


def test_opp4_kanban_query_count_does_not_grow_with_cards(sales, client, django_assert_max_num_queries):
    for number in range(30):
        opportunity(
            sales.organization,
            sales.rep,
            stage_code=("needs", "quoted", "target")[number % 3],
            customer_name=f"门店{number:02d}",
            phone=f"1370000{number:04d}",
            amount=Decimal(number),
        )
    client.force_login(sales.rep)
    with django_assert_max_num_queries(30):
        assert client.get("/opportunities/kanban/").status_code == 200


def test_perm3_out_of_scope_users_find_nothing(sales, client):
    secret = opportunity(
        sales.organization,
        sales.rep,
        customer_name="保密客户有限公司",
        amount=Decimal("123456"),
        expected_close_date=dt.date.today(),
    )
    client.force_login(sales.outsider)
    for url in (
        "/opportunities/",
        "/opportunities/kanban/",
        "/opportunities/forecast/",
        "/opportunities/funnel/",
        "/opportunities/?export=csv",
        "/opportunities/forecast/?export=csv",
        "/opportunities/funnel/?export=csv",
        f"/opportunities/kanban/{secret.stage_id}/?page=1",
        "/api/v1/opportunities/",
        "/api/v1/opportunities/forecast/",
        "/api/v1/opportunities/funnel/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "保密客户" not in response.content.decode("utf-8-sig") and "123456" not in response.content.decode(
            "utf-8-sig"
        )
    for url in (
        f"/opportunities/{secret.pk}/",
        f"/opportunities/{secret.pk}/edit/",
        f"/opportunities/{secret.pk}/win/",
        f"/api/v1/opportunities/{secret.pk}/",
        f"/api/v1/opportunities/{secret.pk}/clashes/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/opportunities/{secret.pk}/move/", {"stage": stage(sales.organization, "quoted").pk}).status_code
        == 404
    )


def test_opp4_stage_settings_page(sales, client):
    client.force_login(sales.rep)
    assert client.get("/opportunities/stages/").status_code == 403
    client.force_login(sales.admin)
    assert client.get("/opportunities/stages/").status_code == 200
    quoted = stage(sales.organization, "quoted")
    client.post(
        f"/opportunities/stages/{quoted.pk}/",
        {
            f"stage-{quoted.pk}-name": "已报价",
            f"stage-{quoted.pk}-kind": "open",
            f"stage-{quoted.pk}-position": 50,
            f"stage-{quoted.pk}-probability": 65,
            f"stage-{quoted.pk}-ageing_limit_days": 7,
            f"stage-{quoted.pk}-business_role": "",
        },
    )
    quoted.refresh_from_db()
    assert (quoted.name, quoted.probability, quoted.ageing_limit_days) == ("已报价", 65, 7)
    client.post(
        "/opportunities/stages/add/",
        {
            "new-name": "样品试用",
            "new-kind": "open",
            "new-position": 45,
            "new-probability": 40,
            "new-ageing_limit_days": "",
            "new-business_role": "pre_sales",
        },
    )
    added = Stage.objects.get(org=sales.organization, name="样品试用")
    assert added.business_role == "pre_sales"


def test_opp8_team_and_competitors_through_the_page(sales, client):
    record = opportunity(sales.organization, sales.rep)
    client.force_login(sales.rep)
    client.post(f"/opportunities/{record.pk}/team/", {"user": sales.rep2.pk, "business_role": "pre_sales"})
    client.post(f"/opportunities/{record.pk}/competitors/", {"name": "友商甲", "strengths": "便宜", "weaknesses": "慢"})
    page = client.get(f"/opportunities/{record.pk}/").content.decode()
    assert "李娜" in page[page.index('id="team"') :] and "友商甲" in page[page.index('id="competitors"') :]


def test_workbench_shows_opportunities_needing_action(sales, client):
    services.opportunity_register(actor=sales.rep, data=dict(REGISTRATION))
    client.force_login(sales.manager)
    page = client.get("/").content.decode()
    widget = page[page.index('id="widget-opportunities"') :]
    assert "/opportunities/review/" in widget


def test_opp4_kanban_columns_total_each_currency_apart(sales, client):
    opportunity(sales.organization, sales.rep, stage_code="needs", amount=Decimal("10000"))
    opportunity(
        sales.organization, sales.rep, stage_code="needs", amount=Decimal("2500"), currency="USD", phone="13700000002"
    )
    client.force_login(sales.rep)
    page = client.get("/opportunities/kanban/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    needs = page[page.index(f'data-stage-column="{stage(sales.organization, "needs").pk}"') :]
    header = needs[: needs.index("qiao-kanban-list")]
    assert 'data-currency="CNY">¥10,000<' in header and 'data-currency="USD">US$2,500<' in header
    assert "12,500" not in page
    assert 'data-currency="USD"' in needs and "US$2,500</span>" in needs  # the card
    chinese = client.get("/opportunities/kanban/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "¥10,000" in chinese and "US$2,500" in chinese  # money is grouped by thousands in Chinese too
