"""Browser flows of the permission issue: a record's page with comments and attachments, the
recycle bin, explain access and the role matrix — in both languages, nothing loaded from outside."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_shell import log_in
from tests.permissions_helpers import customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_comment_attach_delete_restore(open_page, live_server, admin_user, organization, tmp_path):
    record = customer(organization, name="杭州西湖茶叶有限公司", owner=admin_user, phone="13912345678")
    page, watcher = open_page("zh-CN")
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/customers/{record.pk}/")
    page.click("a[href='#panel-comments']")
    page.fill("#comment-body", "下周二上门拜访，带新品样品")
    page.click("#comments-panel form.mt-3 button")
    page.wait_for_selector("text=下周二上门拜访")
    page.click("a[href='#panel-attachments']")
    quote = tmp_path / "报价单.pdf"
    quote.write_bytes(b"%PDF-1.4 quote")
    page.set_input_files("#attachments-panel input[type=file]", str(quote))
    page.click("#attachments-panel form button")
    page.wait_for_selector("#attachments-panel >> text=报价单.pdf")
    screenshot(page, "customer-detail-zh")

    page.click(".page-header a.btn-outline-danger")
    page.click("form.card button.btn-danger")
    page.wait_for_url(f"{live_server.url}/customers/")
    page.goto(f"{live_server.url}/recycle-bin/")
    assert "杭州西湖茶叶有限公司" in page.locator("table").inner_text()
    screenshot(page, "recycle-bin-zh")
    page.click("form[action$='/restore/'] button")
    page.wait_for_url(f"{live_server.url}/recycle-bin/")
    page.goto(f"{live_server.url}/customers/{record.pk}/")
    assert "下周二上门拜访" in page.locator("#comments-panel").inner_text()
    assert watcher.outside_requests == [] and watcher.console_errors == []


def test_explain_and_role_matrix(open_page, live_server, admin_user, employee, organization):
    record = customer(organization, name="南京永辉超市有限公司", owner=admin_user)
    page, watcher = open_page("en")
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/access/explain/?user={employee.pk}&target_type=customer&target_id={record.pk}")
    assert page.locator("[data-action=view]").get_attribute("data-allowed") == "no"
    screenshot(page, "explain-en")
    # Opened from the record (its shield button): who can see it, loaded after the page.
    page.goto(f"{live_server.url}/access/explain/?target_type=customer&target_id={record.pk}")
    page.locator(f"[data-viewer='{admin_user.pk}']").wait_for()
    assert page.locator(f"[data-viewer='{employee.pk}']").count() == 0
    screenshot(page, "explain-viewers-en")
    role = employee.roles.first() or organization.roles.order_by("pk").last()
    page.goto(f"{live_server.url}/org/roles/{role.pk}/edit/")
    page.select_option("select[name=scope-customer-view]", "all")
    page.click("#role-form button.btn-primary")
    page.wait_for_url(f"{live_server.url}/org/roles/")
    screenshot(page, "roles-en")
    role.refresh_from_db()
    assert role.data_scopes["customer"]["view"] == "all" and "customer.view" in role.permissions
    assert watcher.outside_requests == [] and watcher.console_errors == []


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_permission_pages_in_both_languages(open_page, live_server, admin_user, employee, organization, language):
    """Screenshots of every page this issue added, in each language, for looking at; no page may
    load from outside or log a console error."""
    record = customer(organization, name="上海华联超市有限公司", owner=admin_user, phone="13800002222")
    customer(organization, name="杭州联华华商集团", owner=employee)  # for the handover page to list
    role = organization.roles.order_by("pk")[3]
    page, watcher = open_page(language)
    log_in(page, live_server.url, admin_user.username)
    suffix = "zh" if language == "zh-CN" else "en"
    for name, path in [
        ("customers", "/customers/"),
        ("customer-detail", f"/customers/{record.pk}/"),
        ("customer-edit", f"/customers/{record.pk}/edit/"),
        ("departments", "/org/departments/"),
        ("roles", "/org/roles/"),
        ("role-edit", f"/org/roles/{role.pk}/edit/"),
        ("handover", f"/org/employees/{employee.pk}/handover/"),
        ("explain", f"/access/explain/?user={employee.pk}&target_type=customer&target_id={record.pk}"),
        ("recycle-bin", "/recycle-bin/"),
        ("knowledge", "/knowledge/"),
    ]:
        page.goto(live_server.url + path)
        assert page.locator(".page-title").count() == 1, path
        screenshot(page, f"page-{name}-{suffix}")
    assert watcher.outside_requests == [] and watcher.console_errors == []
