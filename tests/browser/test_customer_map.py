"""Browser flows of CUS-9 (the map's offline fallback draws the customers and pins one), CUS-10 (the
birthday calendar and a greeting), CUS-5 (a verification call) and CUS-3 (a photo upload), in both
languages, with nothing loaded from outside the server and no console error."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from qiao.activities.models import Activity
from qiao.customers.models import Contact, Customer, VerificationCall
from tests.browser.conftest import screenshot
from tests.browser.test_shell import log_in
from tests.permissions_helpers import customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = [("zh-CN", "zh"), ("en", "en")]


def located(organization, owner, name, latitude, longitude, **fields):
    return customer(
        organization, name=name, owner=owner, latitude=Decimal(latitude), longitude=Decimal(longitude), **fields
    )


@pytest.mark.parametrize(("locale", "suffix"), LANGUAGES)
def test_cus9_the_offline_map_draws_markers_and_pins_a_customer(
    open_page, live_server, admin_user, organization, locale, suffix
):
    located(organization, admin_user, "杭州西湖超市", "30.2741", "120.1551", abc_class="a")
    located(organization, admin_user, "北京朝阳便利店", "39.9219", "116.4436", abc_class="b")
    located(organization, admin_user, "广州天河百货", "23.1246", "113.3612", abc_class="c")
    located(organization, admin_user, "成都武侯商行", "30.6424", "104.0431")
    missing = customer(organization, name="南京鼓楼烟酒商行", owner=admin_user, address="江苏省南京市鼓楼区中山路1号")
    page, watcher = open_page(locale)
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/customers/map/")
    page.wait_for_selector("#customer-map[data-points='4']")
    page.wait_for_selector("#customer-map[data-outline-ready='1']")
    assert page.locator("path.qiao-map-point").count() == 4  # four markers, none clustered at this zoom
    assert page.locator("[data-map-legend] .qiao-map-legend-item").count() == 4  # A, B, C, not classified
    assert "4" in page.locator("[data-map-status]").inner_text()
    page.locator("path.qiao-map-point").first.click(force=True)
    page.wait_for_selector(".qiao-map-popup a")
    screenshot(page, f"customer-map-{suffix}")

    # The popup pans the map into view, and the map redraws its markers when it stops moving, so
    # the popup's close button can be replaced under a pointer click; a DOM click is not.
    page.evaluate("document.querySelector('.leaflet-popup-close-button')?.click()")
    page.click(f"[data-map-pin='{missing.pk}']")
    page.wait_for_selector("[data-map-placing]:not(.d-none)")
    box = page.locator("#customer-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.35)
    page.wait_for_selector("#customer-map[data-points='5']")
    assert page.locator(f"[data-map-missing='{missing.pk}']").count() == 0
    missing.refresh_from_db()
    assert missing.latitude is not None and missing.version == 2
    screenshot(page, f"customer-map-pinned-{suffix}")

    page.select_option("#map-color-by", "value_tier")
    page.click("#map-filter button[type=submit]")
    page.wait_for_selector("#customer-map[data-points='5']")
    assert watcher.outside_requests == [] and watcher.console_errors == []


def test_cus9_the_district_centre_button(open_page, live_server, admin_user, organization):
    missing = customer(organization, name="南京鼓楼烟酒商行", owner=admin_user, address="江苏省南京市鼓楼区中山路1号")
    page, watcher = open_page("zh-CN")
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/customers/map/")
    page.click(f"[data-map-missing='{missing.pk}'] form button")
    page.wait_for_selector("#customer-map[data-points='1']")
    assert "南京鼓楼烟酒商行" in page.locator(".qiao-messages").inner_text()
    missing.refresh_from_db()
    assert Decimal("31.8") < missing.latitude < Decimal("32.3")
    assert watcher.outside_requests == [] and watcher.console_errors == []


@pytest.mark.parametrize(("locale", "suffix"), LANGUAGES)
def test_cus10_the_birthday_calendar_and_a_greeting(open_page, live_server, admin_user, organization, locale, suffix):
    today = timezone.localdate()
    soon = today + dt.timedelta(days=2)
    boss = customer(
        organization,
        name="杭州西湖超市",
        owner=admin_user,
        boss_name="张老板",
        abc_class="a",
        birthday_month=soon.month,
        birthday_day=soon.day,
        birthday_year=1975,
    )
    Contact.objects.create(
        org=organization,
        customer=boss,
        name="李采购",
        title="采购经理",
        birthday_calendar="lunar",
        birthday_month=8,
        birthday_day=15,
    )
    customer(organization, name="宁波四季便利店", owner=admin_user, boss_name="陈店长", value_tier="medium",
             birthday_month=2, birthday_day=29)  # fmt: skip
    page, watcher = open_page(locale)
    log_in(page, live_server.url, admin_user.username)
    widget = page.locator("[data-widget='upcoming-birthdays']")
    assert "张老板" in widget.inner_text()
    screenshot(page, f"workbench-birthdays-{suffix}")

    page.goto(f"{live_server.url}/customers/birthdays/?year={today.year}")
    assert page.locator("[data-month]").count() == 12
    screenshot(page, f"birthdays-year-{suffix}")
    page.goto(f"{live_server.url}/customers/birthdays/?year={soon.year}&month={soon.month}")
    entry = page.locator(f"[data-birthday-entry][data-date='{soon.isoformat()}']")
    assert "张老板" in entry.inner_text()
    screenshot(page, f"birthdays-month-{suffix}")
    entry.locator("[data-greet]").click()
    page.wait_for_selector(".qiao-messages .alert-success")
    activity = Activity.objects.get()
    assert activity.kind == "call" and activity.subject == boss and "张老板" in activity.notes
    assert watcher.outside_requests == [] and watcher.console_errors == []


@pytest.mark.parametrize(("locale", "suffix"), LANGUAGES)
def test_cus5_a_verification_call_through_the_script(open_page, live_server, admin_user, organization, locale, suffix):
    record = customer(
        organization,
        name="杭州西湖超市",
        owner=admin_user,
        phone="0571 8888 6666",
        address="浙江省杭州市西湖区文三路90号",
    )
    page, watcher = open_page(locale)
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/customers/{record.pk}/")
    page.click("a[href='#panel-verification']")
    page.click("#verification-panel a.btn-primary")
    page.wait_for_selector("#verification-form")
    page.check("input[name=name_check][value=confirmed]")
    page.check("input[name=address_check][value=corrected]")
    page.fill("input[name=corrected_address]", "浙江省杭州市西湖区文一路100号")
    page.fill("input[name=mobile]", "138 1234 5678")
    page.check("input[name=gender][value=female]")
    screenshot(page, f"verification-call-{suffix}")
    page.click("#verification-form button[type=submit]")  # attitude missing: named next to it
    page.wait_for_selector("[data-step=record] .invalid-feedback")
    assert not VerificationCall.objects.exists()
    page.check("input[name=attitude][value=positive]")
    page.click("#verification-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/customers/{record.pk}/")
    page.click("a[href='#panel-verification']")
    assert page.locator("[data-verification-call]").count() == 1
    screenshot(page, f"verification-panel-{suffix}")
    record = Customer.objects.get(pk=record.pk)
    assert record.last_verified_at is not None and record.mobile == "138 1234 5678"
    assert record.address == "浙江省杭州市西湖区文一路100号"
    assert watcher.outside_requests == [] and watcher.console_errors == []


@pytest.mark.parametrize(("locale", "suffix"), LANGUAGES)
def test_cus3_uploading_a_storefront_photo(open_page, live_server, admin_user, organization, tmp_path, locale, suffix):
    record = customer(organization, name="杭州西湖超市", owner=admin_user)
    photo = tmp_path / "门头.jpg"
    Image.new("RGB", (1600, 1200), (192, 57, 43)).save(photo, "JPEG")
    not_a_photo = tmp_path / "门头.png"
    not_a_photo.write_bytes(b"this is not a picture")
    page, watcher = open_page(locale)
    log_in(page, live_server.url, admin_user.username)
    page.goto(f"{live_server.url}/customers/{record.pk}/")
    page.click("a[href='#panel-photos']")
    slot = "[data-photo-slot='storefront']"
    page.set_input_files(f"{slot} input[type=file]", str(not_a_photo))
    page.click(f"{slot} form button")
    page.wait_for_selector("#photos-panel .alert-danger")
    page.set_input_files(f"{slot} input[type=file]", str(photo))
    page.click(f"{slot} form button")
    page.wait_for_selector(f"{slot} img.qiao-photo-thumb")
    page.wait_for_function(  # the thumbnail is served (after the permission check) and decodes
        "() => { const img = document.querySelector(\"[data-photo-slot='storefront'] img\"); "
        "return img && img.complete && img.naturalWidth > 0; }"
    )
    screenshot(page, f"customer-photos-{suffix}")
    stored = record.photos.get()
    assert Image.open(io.BytesIO(stored.thumbnail.read())).size[0] <= 480
    assert watcher.outside_requests == [] and watcher.console_errors == []
