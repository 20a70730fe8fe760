"""The platform's browser flow: log in, see the workbench, switch language, browse the address book,
on a desktop and a phone-sized screen; no request leaves the server (NFR-7)."""

import pytest

from tests.browser.conftest import screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit].btn-primary")
    page.wait_for_url(f"{base_url}/")


def test_log_in_switch_language_and_browse(open_page, live_server, admin_user, employee):
    page, watcher = open_page("zh-CN")
    page.goto(f"{live_server.url}/login/")
    assert page.locator("h2").inner_text() == "登录您的账户"
    screenshot(page, "login-zh")
    log_in(page, live_server.url, admin_user.username)
    assert page.locator(".page-title").inner_text().startswith("您好")
    page.wait_for_selector("[data-chart-ready] svg")
    screenshot(page, "workbench-zh")

    page.click("button[data-language=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".page-title").inner_text().startswith("Hello")
    assert page.locator("html").get_attribute("lang") == "en"
    page.wait_for_selector("[data-chart-ready] svg")
    screenshot(page, "workbench-en")

    page.click("text=Employees")
    page.wait_for_selector("#employee-results table")
    page.fill("input[name=q]", employee.full_name)
    page.wait_for_function("() => document.querySelectorAll('#employee-results tbody tr').length === 1", timeout=10000)
    assert employee.full_name in page.locator("#employee-results tbody").inner_text()
    assert f"q={employee.full_name}" in page.url or "q=%" in page.url  # the filter is in the address bar
    screenshot(page, "employees-en")

    page.click("button[data-language=zh-hans]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".page-title").inner_text() == "员工"
    screenshot(page, "employees-zh")

    assert watcher.outside_requests == []
    assert watcher.console_errors == []


def test_phone_sized_screen(open_page, live_server, admin_user):
    page, watcher = open_page("zh-CN", width=390, height=844)
    log_in(page, live_server.url, admin_user.username)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click(".navbar-toggler")
    page.wait_for_selector("#sidebar-menu.show")
    page.click("#sidebar-menu >> text=员工")
    page.wait_for_selector("#employee-results")
    screenshot(page, "employees-phone-zh")
    assert watcher.outside_requests == [] and watcher.console_errors == []


def test_api_docs_render_from_this_server(open_page, live_server, admin_user):
    page, watcher = open_page("en")
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20000)
    assert "departments" in page.locator(".swagger-ui").inner_text()
    screenshot(page, "api-docs-en")
    assert watcher.outside_requests == [] and watcher.console_errors == []


def change_password(page, old, new):
    page.fill("input[name=old_password]", old)
    page.fill("input[name=new_password1]", new)
    page.fill("input[name=new_password2]", new)
    # A plain form post: wait for its answer (the form with errors, or the redirect) before looking.
    with page.expect_navigation():
        page.click("form.card button[type=submit]")


def test_change_password_then_log_out(open_page, live_server, employee):
    page, watcher = open_page("zh-CN")
    log_in(page, live_server.url, employee.username)
    page.goto(f"{live_server.url}/account/password/")
    change_password(page, PASSWORD, "short")
    assert page.locator(".invalid-feedback").count() >= 1  # told next to the field, in Chinese
    assert any("\u4e00" <= ch <= "\u9fff" for ch in page.locator(".invalid-feedback").first.inner_text())
    screenshot(page, "password-error-zh")
    change_password(page, PASSWORD, "Another-Long-Secret-7")
    page.wait_for_url("**/account/password/done/")
    page.click(".navbar .avatar")
    page.click("text=退出登录")
    page.wait_for_url("**/login/")
    assert watcher.console_errors == []
