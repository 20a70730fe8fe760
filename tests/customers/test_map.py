"""CUS-9: the customer map — visible customers only (PERM-3), coloured by a classification with a
legend, filtered like the list, capped for thousands of points, the customers without a position
listed for fixing, pinned by a click or at the district's centre, offline without a tile server."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiao.core.services import StaleVersion
from qiao.customers import customer_map
from qiao.customers.models import Customer
from tests.permissions_helpers import customer, employee, role

pytestmark = pytest.mark.django_db

MAP_API = "/api/v1/customers/map/"


@pytest.fixture
def people(organization):
    rep_role = role(organization, "代表", view="owner", edit="owner", delete="owner")
    reader_role = role(organization, "只读", view="all", edit="none")
    rep = employee(organization, "华东组", rep_role, full_name="王销售")
    other = employee(organization, "客服部", rep_role, full_name="李客服")
    reader = employee(organization, "客服部", reader_role, full_name="赵只读")
    return rep, other, reader


def located(organization, owner, name, latitude="30.274100", longitude="120.155100", **fields):
    return customer(
        organization, name=name, owner=owner, latitude=Decimal(latitude), longitude=Decimal(longitude), **fields
    )


def test_cus9_map_json_holds_only_the_customers_the_user_may_see(client, organization, people):
    rep, other, _reader = people
    mine = located(organization, rep, "杭州西湖超市", abc_class="a")
    located(organization, other, "HIDDEN-宁波四季便利店", abc_class="a")
    customer(organization, name="HIDDEN-无坐标商行", owner=other)
    client.force_login(rep)
    response = client.get(MAP_API)
    assert response.status_code == 200
    data = response.json()
    assert [point[0] for point in data["points"]] == [mine.pk]
    assert data["count"] == 1 and data["without_location"] == 0
    assert sum(entry["count"] for entry in data["legend"]) == 1  # no hidden customer in any count
    assert "HIDDEN" not in json.dumps(data, ensure_ascii=False)


def test_cus9_map_page_lists_no_hidden_customer(client, organization, people):
    rep, other, _reader = people
    customer(organization, name="我的无坐标便利店", owner=rep)
    customer(organization, name="HIDDEN-别人的无坐标商行", owner=other)
    located(organization, other, "HIDDEN-别人的超市")
    client.force_login(rep)
    page = client.get(reverse("customers:map")).content.decode()
    assert "我的无坐标便利店" in page
    assert "HIDDEN" not in page


def test_cus9_out_of_scope_user_sees_nothing_with_any_filter(client, organization, people):
    _rep, other, _reader = people
    nobody = employee(organization, "销售部", role(organization, "无", view="none"))
    located(organization, other, "隐藏一号超市")
    customer(organization, name="隐藏二号超市", owner=other)
    client.force_login(nobody)
    for query in ("", "?q=超市", f"?owner={other.pk}", "?color_by=value_tier"):
        data = client.get(MAP_API + query).json()
        assert data["points"] == [] and data["count"] == 0 and data["without_location"] == 0
        assert "隐藏" not in client.get(reverse("customers:map") + query).content.decode()


def test_cus9_points_are_compact_and_coloured_by_the_chosen_class(client, organization, people):
    rep, _other, _reader = people
    a = located(organization, rep, "甲超市", abc_class="a", value_tier="low")
    b = located(organization, rep, "乙超市", abc_class="b", value_tier="high")
    plain = located(organization, rep, "丙超市")
    client.force_login(rep)
    data = client.get(MAP_API).json()
    assert data["color_by"] == "abc_class"
    legend = {entry["value"]: (index, entry) for index, entry in enumerate(data["legend"])}
    assert [entry["label"] for entry in data["legend"]][:3] == ["A", "B", "C"]
    assert legend["a"][1]["count"] == 1 and legend["b"][1]["count"] == 1 and legend[""][1]["count"] == 1
    assert len({entry["color"] for entry in data["legend"]}) == len(data["legend"])  # each class its colour
    by_id = {point[0]: point for point in data["points"]}
    assert by_id[a.pk] == [a.pk, 30.2741, 120.1551, "甲超市", "王销售", legend["a"][0]]
    assert by_id[b.pk][5] == legend["b"][0] and by_id[plain.pk][5] == legend[""][0]

    tiers = client.get(MAP_API + "?color_by=value_tier").json()
    tier_index = {entry["value"]: index for index, entry in enumerate(tiers["legend"])}
    assert {point[0]: point[5] for point in tiers["points"]} == {
        a.pk: tier_index["low"],
        b.pk: tier_index["high"],
        plain.pk: tier_index[""],
    }


@pytest.mark.parametrize("name", ["abc_class", "value_tier", "lifecycle", "cooperation_status", "size"])
def test_cus9_every_classification_can_colour_the_map(client, organization, people, name):
    rep, _other, _reader = people
    located(organization, rep, "甲超市")
    client.force_login(rep)
    data = client.get(f"{MAP_API}?color_by={name}").json()
    assert data["color_by"] == name and len(data["legend"]) >= 3


def test_cus9_bad_input_is_a_400_naming_the_parameter(client, organization, people):
    rep, _other, _reader = people
    client.force_login(rep)
    response = client.get(MAP_API + "?color_by=favourite_colour")
    assert response.status_code == 400 and "color_by" in response.json()
    response = client.get(MAP_API + "?owner=not-a-number")
    assert response.status_code == 400 and "owner" in response.json()
    assert client.get(reverse("customers:map") + "?owner=x&color_by=nonsense").status_code == 200


def test_cus9_filtered_like_the_customer_list(client, organization, people):
    rep, _other, reader = people
    located(organization, rep, "杭州西湖超市")
    located(organization, reader, "宁波四季便利店")
    client.force_login(reader)
    names = lambda query: sorted(point[3] for point in client.get(MAP_API + query).json()["points"])  # noqa: E731
    assert names("") == ["宁波四季便利店", "杭州西湖超市"]
    assert names("?q=西湖") == ["杭州西湖超市"]
    assert names(f"?owner={reader.pk}") == ["宁波四季便利店"]
    # The page hands the same filters to the data request.
    page = client.get(reverse("customers:map") + "?q=西湖&color_by=lifecycle").content.decode()
    assert "color_by=lifecycle" in page and "q=%E8%A5%BF%E6%B9%96" in page


def test_cus9_thousands_of_points_are_capped_newest_first_and_counted(organization, people):
    rep, _other, _reader = people
    rows = [located(organization, rep, f"门店{number}") for number in range(5)]
    data = customer_map.map_data(Customer.objects.visible_to(rep), limit=3)
    assert data["count"] == 5 and data["shown"] == 3 and data["limit"] == 3
    assert [point[0] for point in data["points"]] == [row.pk for row in reversed(rows)][:3]


def test_cus9_the_map_data_costs_the_same_queries_for_5_or_40_customers(client, organization, people):
    rep, _other, _reader = people
    client.force_login(rep)

    def queries_for(count: int) -> int:
        while Customer.objects.filter(owner=rep).count() < count:
            located(organization, rep, f"门店{Customer.objects.count()}", abc_class="abc"[count % 3])
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(MAP_API).json()["points"]) == count
        return len(queries)

    client.get(MAP_API)  # the first request of a session also sets up the organization's settings
    assert queries_for(5) == queries_for(40) <= 12


def test_cus9_customers_without_a_position_are_listed_and_counted(client, organization, people):
    rep, _other, _reader = people
    located(organization, rep, "有坐标超市")
    missing = customer(organization, name="没坐标便利店", owner=rep, address="杭州市西湖区文三路90号")
    client.force_login(rep)
    assert client.get(MAP_API).json()["without_location"] == 1
    page = client.get(reverse("customers:map")).content.decode()
    section = page[page.index('id="map-missing"') :]
    assert "没坐标便利店" in section and "有坐标超市" not in section
    assert f'data-map-pin="{missing.pk}"' in section and "use_district_centre" in section


def location_url(record):
    return reverse("customers:map_location", args=[record.pk])


def test_cus9_a_click_on_the_map_pins_the_customer(client, organization, people):
    rep, _other, _reader = people
    record = customer(organization, name="没坐标便利店", owner=rep)
    client.force_login(rep)
    response = client.post(
        location_url(record),
        {"latitude": "30.2741234", "longitude": "120.1551", "version": record.version},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    record.refresh_from_db()
    assert (record.latitude, record.longitude) == (Decimal("30.274123"), Decimal("120.155100"))
    assert response.json()["version"] == record.version == 2
    assert record.history.first().history_user_id in (None, rep.pk)  # recorded in the history (CUS-11)


def test_cus9_the_district_centre_places_a_customer_from_its_address(client, organization, people):
    rep, _other, _reader = people
    record = customer(organization, name="没坐标便利店", owner=rep, address="浙江省杭州市西湖区文三路90号")
    client.force_login(rep)
    response = client.post(
        location_url(record), {"use_district_centre": "1", "version": record.version, "next": "/customers/map/?q=x"}
    )
    assert response.status_code == 302 and response["Location"] == "/customers/map/?q=x"
    record.refresh_from_db()
    assert record.latitude is not None
    assert Decimal("29.9") < record.latitude < Decimal("30.5") and Decimal("119.8") < record.longitude < Decimal(
        "120.4"
    )


def test_cus9_district_centre_without_an_address_says_so(client, organization, people):
    rep, _other, _reader = people
    record = customer(organization, name="没地址便利店", owner=rep)
    client.force_login(rep)
    response = client.post(location_url(record), {"use_district_centre": "1"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "address" in response.json()
    record.refresh_from_db()
    assert record.latitude is None and record.version == 1


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [("95", "120", "latitude"), ("30", "-181", "longitude"), ("abc", "120", "latitude"), ("", "", "latitude"),
     ("NaN", "120", "latitude"), ("1e400", "120", "latitude")],
)  # fmt: skip
def test_cus9_a_bad_position_is_refused_by_field(client, organization, people, latitude, longitude, field):
    rep, _other, _reader = people
    record = customer(organization, name="没坐标便利店", owner=rep)
    client.force_login(rep)
    response = client.post(
        location_url(record), {"latitude": latitude, "longitude": longitude}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and field in response.json()
    record.refresh_from_db()
    assert record.latitude is None and record.version == 1


def test_cus9_a_stale_version_is_a_conflict_and_changes_nothing(client, organization, people):
    rep, _other, _reader = people
    record = customer(organization, name="没坐标便利店", owner=rep)
    Customer.objects.filter(pk=record.pk).update(version=5)  # someone saved meanwhile
    client.force_login(rep)
    response = client.post(
        location_url(record), {"latitude": "30", "longitude": "120", "version": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 409
    record.refresh_from_db()
    assert record.latitude is None and record.version == 5
    with pytest.raises(StaleVersion):
        customer_map.customer_set_location(actor=rep, customer=record, version=1, latitude=30, longitude=120)


def test_cus9_only_editors_pin_and_the_invisible_is_not_found(client, organization, people):
    rep, other, reader = people
    record = customer(organization, name="没坐标便利店", owner=rep)
    client.force_login(reader)  # may view every customer, edit none
    response = client.post(location_url(record), {"latitude": "30", "longitude": "120"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    client.force_login(other)  # cannot see it at all
    response = client.post(location_url(record), {"latitude": "30", "longitude": "120"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.latitude is None and record.version == 1
    client.force_login(reader)
    page = client.get(reverse("customers:map")).content.decode()
    assert "没坐标便利店" in page and f'data-map-pin="{record.pk}"' not in page  # listed, not fixable


def test_cus9_without_a_tile_server_the_map_uses_the_offline_outline(client, organization, people, settings):
    rep, _other, _reader = people
    client.force_login(rep)
    settings.MAP_TILE_URL = ""
    page = client.get(reverse("customers:map")).content.decode()
    assert 'data-tile-url=""' in page and "china-outline/china-provinces.geojson" in page
    assert "qiao/qiao-map.js" in page and "leaflet.markercluster" in page
    settings.MAP_TILE_URL = "https://tiles.example.cn/{z}/{x}/{y}.png"
    page = client.get(reverse("customers:map")).content.decode()
    assert 'data-tile-url="https://tiles.example.cn/{z}/{x}/{y}.png"' in page


def test_cus9_the_offline_outline_is_shipped_as_plain_geojson():
    outline = Path(settings.PACKAGE_DIR / "static/vendor/china-outline/china-provinces.geojson")
    data = json.loads(outline.read_text(encoding="utf-8"))
    names = {feature["properties"]["name"] for feature in data["features"]}
    assert len(names) == 35 and {"浙江", "新疆", "台湾", "香港", "澳门", "南海诸岛"} <= names
    zhejiang = next(f for f in data["features"] if f["properties"]["name"] == "浙江")
    points = [point for polygon in zhejiang["geometry"]["coordinates"] for ring in polygon for point in ring]
    assert all(118 < lng < 123.5 and 27 < lat < 31.5 for lng, lat in points)  # decoded degrees, not codes
    assert (outline.parent / "LICENSE").exists()


def test_cus9_the_map_and_the_calendar_are_in_the_menu(client, organization, people):
    rep, _other, _reader = people
    client.force_login(rep)
    page = client.get(reverse("customers:birthdays")).content.decode()
    assert reverse("customers:map") in page and reverse("customers:birthdays") in page


def test_cus9_the_map_filters_are_labelled_like_the_list_facets_in_english(client, organization, people):
    """The classification filters take their labels from the model's field names, which Django
    writes in lower case; a label starts with a capital as every other one on the page does."""
    rep, _other, _reader = people
    client.force_login(rep)
    page = client.get(reverse("customers:map"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ("Size", "Cooperation status", "Value tier", "Lifecycle stage"):
        assert f">{label}</label>" in page
