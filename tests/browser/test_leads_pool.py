"""Browser flows of leads and the public pool: a visitor fills in the public capture form on a phone,
the lead appears for its owner, who marks it hot and converts it into a customer (LEAD-1, LEAD-2,
LEAD-4); a rep releases a customer to the pool, claims it back and is refused beyond the claim limit
(CUS-12). Screenshots of every new page in Chinese and English; nothing loaded from outside."""

import pytest

from qiao.core import services as core_services
from qiao.customers import leads, views_capture
from qiao.customers.leads import capture
from qiao.customers.leads import targets as lead_targets
from qiao.customers.models import Customer, Lead
from qiao.customers.pool import customer_settings
from tests.browser.conftest import screenshot
from tests.browser.test_shell import log_in
from tests.permissions_helpers import customer, employee, role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quick_form(monkeypatch):
    # A person needs a few seconds for the form; the browser needs one.
    monkeypatch.setattr(views_capture, "MIN_FILL_SECONDS", 1)


def test_capture_form_to_hot_lead_to_customer(open_page, live_server, admin_user, organization, quick_form):
    capture_form = capture.capture_form_save(
        actor=admin_user,
        data={
            "title": "2026 上海食品展 · B12 展位",
            "introduction": "留下联系方式，展会后专人联系。",
            "source": "trade_show",
        },
    )
    phone, watcher = open_page("zh-CN", width=390, height=844)
    phone.goto(f"{live_server.url}/f/{capture_form.token}/")
    phone.fill("#id_name", "陈晓燕")
    phone.fill("#id_company", "宁波鲜丰水果超市")
    phone.fill("#id_phone", "13912345678")
    phone.fill("#id_notes", "想了解进口水果批发价")
    screenshot(phone, "capture-public-zh")
    phone.wait_for_timeout(1200)
    phone.click("#capture-form button[type=submit]")
    phone.wait_for_selector("[data-capture-thanks]")
    screenshot(phone, "capture-thanks-zh")
    lead = Lead.objects.get(name="陈晓燕")
    assert lead.owner == admin_user and lead.source == "trade_show"

    page, desk_watcher = open_page("zh-CN")
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/customers/leads/")
    page.click("text=陈晓燕")
    page.wait_for_url(f"{live_server.url}/customers/leads/{lead.pk}/")
    page.click("[data-status=hot]")
    page.wait_for_selector("[data-lead-status=hot]")
    screenshot(page, "lead-detail-hot-zh")
    page.goto(f"{live_server.url}/")
    assert "陈晓燕" in page.locator("[data-widget=hot-leads]").inner_text()
    screenshot(page, "workbench-leads-zh")
    page.goto(f"{live_server.url}/customers/leads/{lead.pk}/")
    page.click("[data-action=convert]")
    page.wait_for_url(f"{live_server.url}/customers/leads/{lead.pk}/convert/")
    assert page.input_value("#id_customer_name") == "宁波鲜丰水果超市"  # nothing to retype
    screenshot(page, "lead-convert-zh")
    page.click("[data-action=convert-new]")
    page.wait_for_url(f"{live_server.url}/customers/*/")
    created = Customer.objects.get(name="宁波鲜丰水果超市")
    assert page.url == f"{live_server.url}/customers/{created.pk}/"
    assert created.contacts.get().name == "陈晓燕"
    screenshot(page, "lead-converted-customer-zh")
    assert watcher.outside_requests == [] and watcher.console_errors == []
    assert desk_watcher.outside_requests == [] and desk_watcher.console_errors == []


def test_release_claim_and_the_claim_limit(open_page, live_server, organization):
    rep = employee(
        organization,
        "销售部",
        role(organization, "代表", view="owner", edit="owner", activity={"view": "owner"}),
        username="rep_li",
        full_name="李娜",
    )
    settings = customer_settings(organization.pk)
    settings.claim_limit = 1
    settings.save()
    mine = customer(organization, name="杭州西湖茶叶有限公司", owner=rep)
    other = customer(organization, name="宁波百佳超市")  # in the pool
    page, watcher = open_page("en")
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server.url, rep.username)
    page.goto(f"{live_server.url}/customers/{mine.pk}/")
    page.click("a[href='#panel-pool']")
    page.fill("#pool-panel input[name=reason]", "Moved away")
    page.click("[data-action=release]")
    page.wait_for_url(f"{live_server.url}/customers/{mine.pk}/")
    assert Customer.objects.get(pk=mine.pk).owner is None
    page.goto(f"{live_server.url}/customers/pool/")
    screenshot(page, "pool-en")
    page.locator("tr", has_text="杭州西湖茶叶有限公司").locator("[data-action=claim]").click()
    page.wait_for_url(f"{live_server.url}/customers/{mine.pk}/")
    assert Customer.objects.get(pk=mine.pk).owner == rep
    page.goto(f"{live_server.url}/customers/pool/")
    page.locator("tr", has_text="宁波百佳超市").locator("[data-action=claim]").click()
    page.wait_for_selector(".alert-danger, .alert")
    assert "the limit is 1" in page.inner_text("body")
    screenshot(page, "pool-limit-refused-en")
    assert Customer.objects.get(pk=other.pk).owner is None
    page.goto(f"{live_server.url}/customers/{mine.pk}/")
    page.click("a[href='#panel-pool']")
    events = page.locator("#pool-panel").inner_text()
    assert "Claimed" in events and "Released to the pool" in events and "Moved away" in events
    screenshot(page, "customer-pool-panel-en")
    assert watcher.outside_requests == [] and watcher.console_errors == []


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_lead_and_pool_pages_in_both_languages(open_page, live_server, admin_user, organization, language):
    """Screenshots of every page this part added, for looking at."""
    introducer = customer(organization, name="上海华联超市有限公司", owner=admin_user)
    lead = leads.lead_change_status(
        actor=admin_user,
        lead=core_services.main_object_create(
            actor=admin_user,
            model=Lead,
            data={
                "name": "王建华",
                "company": "上海嘉禾便利店",
                "phone": "13812345678",
                "referred_by_customer": introducer,
            },
        ),
        status="hot",
    )
    converted = core_services.main_object_create(
        actor=admin_user,
        model=Lead,
        data={"name": "周秀英", "company": "上海四季超市", "referred_by_customer": introducer},
    )
    leads.lead_convert(actor=admin_user, lead=converted)
    customer(organization, name="南京永辉超市")  # in the pool
    capture_form = capture.capture_form_save(actor=admin_user, data={"title": "官网留言", "source": "internet"})
    lead_targets.daily_target_set(actor=admin_user, employee=admin_user, prospect_calls=5)
    page, watcher = open_page(language)
    log_in(page, live_server.url, admin_user.username)
    suffix = "zh" if language == "zh-CN" else "en"
    for name, path in [
        ("leads", "/customers/leads/"),
        ("lead-detail", f"/customers/leads/{lead.pk}/"),
        ("lead-edit", f"/customers/leads/{lead.pk}/edit/"),
        ("lead-add", "/customers/leads/add/"),
        ("lead-convert", f"/customers/leads/{lead.pk}/convert/"),
        ("introducer-referrals", f"/customers/{introducer.pk}/"),
        ("rewards", "/customers/referral-rewards/"),
        ("targets", "/customers/targets/"),
        ("pool", "/customers/pool/"),
        ("pool-settings", "/customers/pool-settings/"),
        ("capture-forms", "/customers/capture-forms/"),
        ("capture-form-edit", f"/customers/capture-forms/{capture_form.pk}/edit/"),
        ("workbench", "/"),
    ]:
        page.goto(live_server.url + path)
        assert page.locator(".page-title").count() == 1, path
        if name == "introducer-referrals":
            page.click("a[href='#panel-referrals']")
        screenshot(page, f"page-{name}-{suffix}")
    page.goto(f"{live_server.url}/f/{capture_form.token}/")
    screenshot(page, f"page-capture-public-{suffix}")
    assert watcher.outside_requests == [] and watcher.console_errors == []
