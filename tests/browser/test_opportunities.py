"""Browser flow of the opportunity issue: register → clash → review → kanban drag (and a drag that
someone else beat) → win with the contract; the existing owner's bell; and screenshots of every
opportunity page in both languages, nothing loaded from outside, no console error."""

import datetime as dt
from decimal import Decimal

import pytest

from qiao.contracts.models import Contract
from qiao.sales import services
from qiao.sales.models import Opportunity
from tests.browser.conftest import screenshot
from tests.browser.test_shell import log_in
from tests.permissions_helpers import employee, role
from tests.sales.helpers import REGISTRATION, archived_customer, opportunity, stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(organization):
    rep_role = role(organization, "销售代表", view="related_employee", edit="owner", delete="owner")
    manager_role = role(
        organization, "销售经理", view="related_department", edit="owner_department", codes=["opportunity.review"]
    )
    return {
        "rep": employee(organization, "华东组", rep_role, full_name="张伟"),
        "holder": employee(organization, "华东组", rep_role, full_name="李娜"),
        "manager": employee(organization, "销售部", manager_role, full_name="王经理"),
    }


def fill_registration(page, **values):
    data = {**REGISTRATION, **values}
    for name in ("customer_name", "contact_name", "phone", "region"):
        page.fill(f"#id_{name}", data[name])
    page.select_option("#id_source", data["source"])
    page.fill("#id_description", data["description"])


def drag(page, card, target_list):
    """SortableJS's fallback drag: press, move in steps over the target column, release."""
    box, target = card.bounding_box(), target_list.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + 20, steps=3)
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 30, steps=12)
    page.mouse.up()


def test_register_clash_review_kanban_drag_and_win(open_page, live_server, organization, admin_user, team, tmp_path):
    base = live_server.url
    archived_customer(organization, name="宁波四季超市有限公司", owner=team["holder"], mobile="13811112222")

    # 1. A registration of a colleague's customer fails with a clash (撞单).
    page, watcher = open_page("zh-CN")
    log_in(page, base, team["rep"].username)
    page.goto(f"{base}/opportunities/add/")
    fill_registration(page, customer_name="宁波四季超市", phone="13811112222")
    page.click("[data-action=register]")
    page.wait_for_selector("#opportunity-status[data-status=clash]", timeout=40000)
    assert page.locator("#clashes").is_visible() and "李娜" in page.locator("#clashes").inner_text()
    assert page.locator("[data-action=win]").count() == 0  # the registrant may not follow it
    screenshot(page, "opportunity-clash-zh")

    # 2. A new customer's registration waits for review.
    page.goto(f"{base}/opportunities/add/")
    screenshot(page, "opportunity-register-zh")
    fill_registration(page, amount="")
    page.fill("#id_amount", "86000")
    page.click("[data-action=register]")
    page.wait_for_selector("#opportunity-status[data-status=submitted]", timeout=40000)
    record = Opportunity.objects.get(customer_name=REGISTRATION["customer_name"])

    # 3. The manager approves it from the review queue.
    manager_page, manager_watcher = open_page("zh-CN")
    log_in(manager_page, base, team["manager"].username)
    manager_page.goto(f"{base}/opportunities/review/")
    screenshot(manager_page, "opportunity-review-queue-zh")
    manager_page.click(f"a[href='/opportunities/{record.pk}/']")
    screenshot(manager_page, "opportunity-review-zh")
    manager_page.click("[data-action=approve]")
    manager_page.wait_for_selector("#opportunity-status[data-status=approved]", timeout=40000)
    record.refresh_from_db()
    assert record.status == "approved" and record.customer is not None

    # 4. The rep drags the card from "target customer" to "needs understood".
    page.goto(f"{base}/opportunities/kanban/")
    card = page.locator(f".qiao-kanban-card[data-id='{record.pk}']")
    needs = stage(organization, "needs")
    with page.expect_response(lambda response: "move-stage" in response.url) as moved:
        drag(page, card, page.locator(f"#kanban-column-{needs.pk}"))
    assert moved.value.status == 200
    page.wait_for_selector(f"#kanban-column-{needs.pk} .qiao-kanban-card[data-id='{record.pk}'][data-moved='1']")
    record.refresh_from_db()
    assert record.stage == needs and card.get_attribute("data-version") == str(record.version)
    screenshot(page, "opportunity-kanban-zh")

    # 5. Someone else moves it meanwhile: this board's drag is refused and the card goes back.
    services.opportunity_move_stage(actor=admin_user, opportunity=record, stage=stage(organization, "solution"))
    quoted = stage(organization, "quoted")
    with page.expect_response(lambda response: "move-stage" in response.url) as refused:
        drag(page, card, page.locator(f"#kanban-column-{quoted.pk}"))
    assert refused.value.status == 409
    page.wait_for_selector("#kanban-alert:not(.d-none)")
    assert page.locator(f"#kanban-column-{needs.pk} .qiao-kanban-card[data-id='{record.pk}']").count() == 1
    screenshot(page, "opportunity-kanban-conflict-zh")
    record.refresh_from_db()
    assert record.stage.code == "solution"

    # 6. Won, with the contract and its signed file.
    page.goto(f"{base}/opportunities/{record.pk}/")
    page.click("[data-action=win]")
    page.fill("#id_number", "HT-2026-0808")
    page.fill("#id_amount", "88000")
    page.fill("#id_sign_date", dt.date.today().isoformat())
    signed = tmp_path / "合同.pdf"
    signed.write_bytes(b"%PDF-1.4 signed contract")
    page.set_input_files("#id_signed_file", str(signed))
    screenshot(page, "opportunity-win-zh")
    page.click("#win-form [data-action=win]")
    page.wait_for_selector("#opportunity-status[data-status=won]", timeout=40000)
    screenshot(page, "opportunity-won-zh")
    contract = Contract.objects.get()
    assert (contract.number, contract.amount, contract.opportunity_id) == ("HT-2026-0808", Decimal("88000"), record.pk)
    page.goto(f"{base}/contracts/{contract.pk}/")
    assert page.locator("#contract-file").count() == 1
    screenshot(page, "contract-detail-zh")

    # 7. The existing owner's bell tells them of the clash.
    holder_page, holder_watcher = open_page("en")
    log_in(holder_page, base, team["holder"].username)
    holder_page.wait_for_selector(".qiao-bell-count")
    holder_page.click(".qiao-bell")
    holder_page.wait_for_selector(".qiao-bell-menu.show")
    assert "张伟" in holder_page.locator(".qiao-bell-menu").inner_text()
    screenshot(holder_page, "notifications-bell-en")
    # The browser logs the refused move (step 5) itself; nothing else may go wrong.
    assert [error for error in watcher.console_errors if "409 (Conflict)" not in error] == []
    assert len(watcher.console_errors) == 1
    for watched in (watcher, manager_watcher, holder_watcher):
        assert watched.outside_requests == []
    assert manager_watcher.console_errors == holder_watcher.console_errors == []


CITIES, BRANDS = ["杭州", "宁波", "苏州", "上海"], ["华联", "永辉", "嘉禾"]


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_opportunity_pages_in_both_languages(open_page, live_server, organization, admin_user, team, language):
    """Screenshots of every opportunity page in each language, for looking at."""
    today = dt.date.today()
    codes = ["target", "obtained", "needs", "solution", "quoted", "negotiating"]
    for number in range(14):
        opportunity(
            organization,
            team["rep"] if number % 2 else team["holder"],
            stage_code=codes[number % len(codes)],
            customer_name=f"{CITIES[number % 4]}{BRANDS[number % 3]}超市{number}号店",
            phone=f"1370000{number:04d}",
            amount=Decimal(10000 + number * 7000),
            currency="USD" if number == 13 else "CNY",  # a column with two currencies
            expected_close_date=today + dt.timedelta(days=20 * (number % 5)),
            days_in_stage=number * 4,
        )
    won = opportunity(
        organization,
        team["rep"],
        status="won",
        stage_code="signed",
        customer_name="南京金穗食品",
        phone="13600000001",
        amount=Decimal(50000),
    )
    Opportunity.objects.filter(pk=won.pk).update(max_stage_position=stage(organization, "negotiating").position)
    detail = opportunity(
        organization,
        team["rep"],
        stage_code="quoted",
        customer_name="杭州西湖茶叶有限公司",
        amount=Decimal(86000),
        expected_close_date=today + dt.timedelta(days=30),
        days_in_stage=20,
    )
    services.opportunity_update(
        actor=admin_user, opportunity=detail, data={"expected_close_date": today + dt.timedelta(days=45)}
    )
    services.competitor_save(
        actor=admin_user, opportunity=detail, data={"name": "友商甲", "strengths": "价格低", "weaknesses": "服务慢"}
    )
    services.opportunity_team_add(actor=admin_user, opportunity=detail, user=team["holder"], business_role="pre_sales")
    page, watcher = open_page(language)
    log_in(page, live_server.url, admin_user.username)
    suffix = "zh" if language == "zh-CN" else "en"
    for name, path in [
        ("opportunities", "/opportunities/"),
        ("opportunity-detail", f"/opportunities/{detail.pk}/"),
        ("opportunity-edit", f"/opportunities/{detail.pk}/edit/"),
        ("opportunity-lose", f"/opportunities/{detail.pk}/lose/"),
        ("kanban", "/opportunities/kanban/"),
        ("forecast", "/opportunities/forecast/"),
        ("funnel", "/opportunities/funnel/"),
        ("stages", "/opportunities/stages/"),
        ("contracts", "/contracts/"),
        ("notifications", "/notifications/"),
        ("workbench", "/"),
    ]:
        page.goto(live_server.url + path)
        assert page.locator(".page-title").count() == 1, path
        if name in ("forecast", "funnel"):
            page.wait_for_selector("[data-sales-chart][data-chart-ready] svg")
        screenshot(page, f"sales-{name}-{suffix}")
    assert watcher.outside_requests == [] and watcher.console_errors == [], watcher.console_errors
