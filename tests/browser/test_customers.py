"""Browser flows of the customer archive (issue 4 acceptance 1): create a customer with the full
form → find it by its pinyin initials as you type → add a contact inline → edit it → revert the
edit from the history; and screenshots of the list, the customer's page and the form in Chinese
and English. Nothing may load from outside and the console stays clean."""

import pytest
from django.utils import translation
from django.utils.text import capfirst

from qiao.customers.models import Customer
from tests.browser.conftest import screenshot
from tests.browser.test_shell import log_in
from tests.customers.archive_helpers import archived

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def panel_refreshed(page):
    """Waits for the customer form's live duplicate panel to answer the typing, so that its request
    never overlaps the save (the live server's SQLite locks a table that is being written)."""
    return page.expect_response(lambda response: "/customers/duplicates/check/" in response.url)


def test_create_search_edit_and_revert(open_page, live_server, admin_user, organization):
    archived(organization, owner=admin_user, name="宁波四季超市", mobile="137 0000 1111", size="small")
    page, watcher = open_page("zh-CN")
    log_in(page, live_server.url, admin_user.username)

    # Create: a bad credit code and phone are named next to their fields, nothing is saved.
    page.goto(f"{live_server.url}/customers/add/")
    page.fill("input[name=name]", "杭州西湖龙井茶叶有限公司")
    page.fill("input[name=mobile]", "1381234")
    page.fill("input[name=unified_social_credit_code]", "91330106MA2B3C4D5A")
    with panel_refreshed(page):  # the live duplicate check (CUS-8) answers before the save
        page.fill("input[name=address]", "浙江省杭州市西湖区龙井路1号")
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("#customer-form .invalid-feedback")
    assert page.locator("[data-field=unified_social_credit_code] .invalid-feedback").count() == 1
    assert "1381234" in page.locator("[data-field=mobile] .invalid-feedback").inner_text()
    assert not Customer.objects.filter(name="杭州西湖龙井茶叶有限公司").exists()
    screenshot(page, "customer-form-errors-zh")

    page.fill("input[name=mobile]", "138 1234 5678")
    with panel_refreshed(page):
        page.fill("input[name=unified_social_credit_code]", "")
    page.select_option("select[name=size]", "medium")
    page.select_option("select[name=cooperation_status]", "normal")
    page.click("[data-field=tags] .ts-control")
    page.keyboard.type("新品试点")
    page.keyboard.press("Enter")
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("#customer-profile")
    record = Customer.objects.get(name="杭州西湖龙井茶叶有限公司")
    assert (record.province, record.city, record.district) == ("浙江省", "杭州市", "西湖区")
    assert [tag.name for tag in record.tags.all()] == ["新品试点"]

    # Search as you type by the pinyin initials.
    page.goto(f"{live_server.url}/customers/")
    page.fill("input[name=q]", "hzxhlj")
    page.wait_for_function(
        "() => document.querySelector('#record-results') && !document.querySelector('#record-results')"
        ".innerText.includes('宁波四季超市')"
    )
    assert "杭州西湖龙井茶叶有限公司" in page.locator("#record-results").inner_text()
    page.wait_for_selector("#customer-facets")
    page.click("#record-results a:has-text('杭州西湖龙井茶叶有限公司')")
    page.wait_for_selector("#contacts-panel")

    # A contact, added in place.
    page.click("#contact-add-button")
    page.fill("#contact-new-name", "王建国")
    page.fill("#contact-new-mobile", "139 8765 4321")
    page.select_option("#contact-new-decision_role", "decision_maker")
    page.select_option("#contact-new-birthday_calendar", "lunar")
    page.fill("#contact-new-birthday_month", "8")
    page.fill("#contact-new-birthday_day", "15")
    page.click("#contact-form-new button[type=submit]")
    page.wait_for_selector("#contacts-panel .qiao-contact-name:has-text('王建国')")
    assert record.contacts.get().mobile == "139 8765 4321"

    # Edit, then revert the edit from the history.
    page.click(f".page-header a[href='/customers/{record.pk}/edit/']")
    page.select_option("select[name=cooperation_status]", "has_problems")
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("#customer-profile")
    record.refresh_from_db()
    with translation.override("zh-hans"):
        status, label = (
            record.get_cooperation_status_display(),
            capfirst(Customer._meta.get_field("cooperation_status").verbose_name),
        )
    assert record.cooperation_status == "has_problems"
    assert status in page.locator("[data-field=cooperation_status]").inner_text()
    page.click("a[href='#panel-history']")
    page.wait_for_selector("#history-panel .qiao-history-change")
    assert f"{label}:" in page.locator("#history-panel").inner_text()  # the field's label, not its name
    screenshot(page, "customer-history-zh")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#history-panel form.qiao-revert button").first.click()
    page.wait_for_selector(".alert-success")
    record.refresh_from_db()
    assert record.cooperation_status == "normal"
    assert watcher.outside_requests == [] and watcher.console_errors == []


def rich_customer(organization, owner):
    archived(organization, owner=owner, name="宁波四季超市", mobile="137 0000 1111", size="small", abc_class="c")
    archived(organization, owner=owner, name="南京金穗食品有限公司", phone="025-8765 4321", size="large", abc_class="a")
    return archived(
        organization,
        owner=owner,
        name="杭州西湖龙井茶叶有限公司",
        short_name="西湖龙井",
        mobile="138 1234 5678",
        phone="0571-8888 6666",
        email="longjing@example.cn",
        wechat="xihu_longjing",
        address="浙江省杭州市西湖区龙井路1号",
        industry="茶叶零售",
        source="referral",
        size="medium",
        cooperation_status="normal",
        nature="company",
        volume="key",
        tenure="old",
        abc_class="a",
        value_tier="high",
        lifecycle="active",
        preferred_channel="wechat",
        boss_name="王建国",
        boss_gender="male",
        birthday_calendar="lunar",
        birthday_month=8,
        birthday_day=15,
        boss_hobbies="喝茶、钓鱼",
        boss_personality="直爽，重情义，喜欢当面谈",
        capital_strength="雄厚",
        payment_record="按时结款",
        notes="老板只在上午在店。",
        tags=["重点客户", "新品试点"],
        contacts=[
            {
                "name": "王建国",
                "title": "老板",
                "mobile": "139 8765 4321",
                "decision_role": "decision_maker",
                "is_primary": True,
            },
            {"name": "李芳", "title": "采购", "mobile": "136 1111 2222", "preferred_channel": "wechat"},
        ],
    )


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_customer_pages_in_both_languages(open_page, live_server, admin_user, organization, language):
    """Screenshots of the list (with its facets), the customer's page and the form, for looking at."""
    record = rich_customer(organization, admin_user)
    page, watcher = open_page(language)
    log_in(page, live_server.url, admin_user.username)
    suffix = "zh" if language == "zh-CN" else "en"
    page.goto(f"{live_server.url}/customers/")
    page.wait_for_selector("#customer-facets")
    assert page.locator("#customer-facets [data-facet=size] .qiao-facet").count() >= 3
    screenshot(page, f"customers-list-{suffix}")
    page.goto(f"{live_server.url}/customers/{record.pk}/")
    assert page.locator("#contacts-panel .qiao-contact").count() == 2
    screenshot(page, f"customer-detail-{suffix}")
    page.goto(f"{live_server.url}/customers/{record.pk}/edit/")
    page.wait_for_selector("[data-field=tags] .ts-control")
    screenshot(page, f"customer-form-{suffix}")
    assert watcher.outside_requests == [] and watcher.console_errors == []
