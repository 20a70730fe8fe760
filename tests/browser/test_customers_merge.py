"""Browser flow of CUS-8 (issue 4 acceptance 1, "… → merge"): create two records of one company
written differently → the duplicates page finds them → compare side by side and merge → undo from
the customer's "Merges" tab; in Chinese and English, with screenshots, nothing loaded from outside
and a clean console."""

import pytest

from qiao.customers.models import Contact, Customer, CustomerMerge
from tests.browser.conftest import screenshot
from tests.browser.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def create_customer(page, base_url: str, *, confirm_not_duplicate=False, **fields) -> Customer:
    page.goto(f"{base_url}/customers/add/")
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    page.click("#customer-form button[type=submit]")
    if confirm_not_duplicate:
        # CUS-8: the form refuses a likely duplicate until the user says it is another customer.
        page.wait_for_selector("input[name=confirm_not_duplicate]")
        page.check("input[name=confirm_not_duplicate]")
        page.click("#customer-form button[type=submit]")
    page.wait_for_selector("#customer-profile")
    return Customer.objects.get(name=fields["name"])


@pytest.mark.parametrize(("locale", "suffix"), [("zh-CN", "zh"), ("en", "en")])
def test_cus8_create_two_similar_customers_merge_and_undo(open_page, live_server, admin_user, locale, suffix):
    page, watcher = open_page(locale)
    page.on("dialog", lambda dialog: dialog.accept())  # the undo button asks first
    log_in(page, live_server.url, admin_user.username)

    first = create_customer(page, live_server.url, name="杭州西湖贸易有限公司", mobile="138 1234 5678")
    second = create_customer(
        page,
        live_server.url,
        confirm_not_duplicate=True,
        name="西湖貿易（杭州）",
        mobile="138-1234-5678",
        email="xihu@example.cn",
    )
    Contact.objects.create(org=second.org, customer=second, name="王伟", phone="139 0000 1111")

    page.goto(f"{live_server.url}/customers/duplicates/")
    clusters = page.locator("[data-cluster]")
    assert clusters.count() == 1
    assert "西湖貿易（杭州）" in clusters.inner_text() and "138 1234 5678" in clusters.inner_text()
    screenshot(page, f"customer-duplicates-{suffix}")

    page.click("[data-cluster] a[data-action=merge]")
    page.wait_for_selector("#merge-comparison")
    assert page.locator("input[name=survivor]:checked").get_attribute("value") == str(first.pk)
    screenshot(page, f"customer-merge-{suffix}")
    page.click("button[data-action=confirm-merge]")
    page.wait_for_url(f"{live_server.url}/customers/{first.pk}/#panel-merges")
    page.click("a[href='#panel-merges']")
    page.wait_for_selector("#merges-panel [data-action=undo-merge]")
    assert not Customer.objects.filter(pk=second.pk).exists()
    assert Contact.objects.get(name="王伟").customer_id == first.pk
    screenshot(page, f"customer-merged-{suffix}")

    page.click("#merges-panel [data-action=undo-merge]")
    page.wait_for_selector(".alert-success")
    assert Customer.objects.filter(pk=second.pk).exists()
    assert Contact.objects.get(name="王伟").customer_id == second.pk
    assert CustomerMerge.objects.get().undone_by == admin_user
    page.click("a[href='#panel-merges']")
    screenshot(page, f"customer-merge-undone-{suffix}")

    page.goto(f"{live_server.url}/customers/merges/")
    assert page.locator("[data-merge]").count() == 1
    screenshot(page, f"customer-merge-history-{suffix}")
    assert watcher.outside_requests == [] and watcher.console_errors == []
