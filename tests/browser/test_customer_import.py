"""CUS-7 in the browser (issue 4, acceptance 1 and 4): from the customer list to the import wizard,
upload a spreadsheet with a malformed phone and a row that repeats an existing customer, match the
columns, see every problem by row with nothing imported, upload the corrected file, decide about
the duplicate, import, and find the new customers in the list — in Chinese and in English, with
nothing loaded from outside and no console error."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from qiao.core.models import ImportJob
from qiao.customers.models import Customer
from tests.browser.conftest import screenshot
from tests.browser.test_shell import log_in
from tests.permissions_helpers import customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["客户名称", "手机", "地址", "来源", "规模", "负责人"]


def workbook(path, rows) -> str:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return str(path)


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_cus7_upload_map_errors_fix_import_and_see_the_customers(
    open_page, live_server, admin_user, organization, tmp_path, language
):
    suffix = "zh" if language == "zh-CN" else "en"
    customer(organization, name="南京夫子庙小吃店", owner=admin_user, mobile="139 5555 6666")
    rows = [
        HEADER,
        ["杭州西湖龙井茶叶有限公司", "13812345678", "浙江省杭州市西湖区龙井路1号", "展会", "中型", ""],
        ["宁波四季超市", "1390000", "浙江省宁波市海曙区中山西路8号", "转介绍", "小", admin_user.username],
        ["南京夫子庙小吃店", "13955556666", "江苏省南京市秦淮区贡院街", "", "", ""],
    ]
    page, watcher = open_page(language)
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/customers/")
    page.click("#import-button")
    page.wait_for_selector("#import-upload")
    screenshot(page, f"import-start-{suffix}")

    page.set_input_files("#import-file", workbook(tmp_path / "客户资料.xlsx", rows))
    page.click("#import-upload button[type=submit]")
    page.wait_for_selector("#import-mapping")
    assert page.locator("select[name=column-0]").input_value() == "name"
    assert page.locator("select[name=column-1]").input_value() == "mobile"
    screenshot(page, f"import-mapping-{suffix}")

    page.click("#import-mapping button[type=submit]")
    page.wait_for_selector("#errors")
    problems = page.locator("#errors").inner_text()
    assert "1390000" in problems and "3" in page.locator("#errors tr[data-row='3']").inner_text()
    assert page.locator("#import-commit").count() == 0
    assert not Customer.objects.filter(name="杭州西湖龙井茶叶有限公司").exists()  # nothing half-imported
    screenshot(page, f"import-errors-{suffix}")

    rows[2][1] = "13900001111"  # the fix
    page.set_input_files("#import-reupload input[type=file]", workbook(tmp_path / "客户资料-改.xlsx", rows))
    page.click("#import-reupload button[type=submit]")
    page.wait_for_selector("#import-mapping")
    page.click("#import-mapping button[type=submit]")
    page.wait_for_selector("#duplicates")
    assert "南京夫子庙小吃店" in page.locator("#duplicates").inner_text()
    commit = page.locator("#import-commit button")
    assert "2" in commit.inner_text()
    page.click("label[for=import-4]")  # import the duplicate anyway, through htmx
    expect(page.locator("#import-commit button")).to_contain_text("3")
    page.click("label[for=skip-4]")  # changed my mind: skip it
    expect(page.locator("#import-commit button")).to_contain_text("2")
    screenshot(page, f"import-preview-{suffix}")

    page.click("#import-commit button")
    page.wait_for_selector("#import-done")
    screenshot(page, f"import-done-{suffix}")
    job = ImportJob.objects.filter(status=ImportJob.Status.DONE).get()
    assert (job.created_count, job.skipped_count) == (2, 1)

    page.click("#import-see-records")
    page.wait_for_url(f"{live_server.url}/customers/")
    listed = page.locator("#record-results").inner_text()
    assert "杭州西湖龙井茶叶有限公司" in listed and "宁波四季超市" in listed
    screenshot(page, f"import-customers-{suffix}")
    assert Customer.objects.filter(name="南京夫子庙小吃店").count() == 1
    assert watcher.outside_requests == [] and watcher.console_errors == []


def test_cus7_a_file_that_is_not_a_spreadsheet_is_refused_in_the_browser(open_page, live_server, admin_user, tmp_path):
    image = tmp_path / "客户.xlsx"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    page, watcher = open_page("zh-CN")
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/imports/customer/")
    page.set_input_files("#import-file", str(image))
    page.click("#import-upload button[type=submit]")
    page.wait_for_selector("#upload-errors")
    assert "客户.xlsx" in page.locator("#upload-errors").inner_text()
    screenshot(page, "import-wrong-type-zh")
    assert not ImportJob.objects.exists()
    assert watcher.outside_requests == [] and watcher.console_errors == []


def test_the_template_downloads_in_the_browser(open_page, live_server, admin_user):
    page, _watcher = open_page("en")
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/imports/customer/")
    with page.expect_download() as download:
        page.click("#import-template")
    data = download.value.path().read_bytes()
    headers = [cell.value for cell in openpyxl.load_workbook(io.BytesIO(data)).worksheets[0][1]]
    assert headers[0] == "Name*"
