"""The API's JSON renderer (core/renderers.py) writes what DRF's JSONRenderer writes, faster."""

import datetime as dt
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from qiao.core.renderers import JSONRenderer
from tests.conftest import api_client_for
from tests.customers.archive_helpers import archived
from tests.permissions_helpers import employee, role


def both(data, media_type=None) -> tuple[bytes, bytes]:
    return JSONRenderer().render(data, media_type, {}), DRFJSONRenderer().render(data, media_type, {})


@pytest.mark.django_db
def test_a_customer_page_is_rendered_to_the_same_bytes_as_drfs(organization):
    owner = employee(organization, "销售部", role(organization, "代表", view="all"))
    archived(organization, owner=owner, name="杭州西湖茶叶有限公司", size="large", tags=["连锁"])
    archived(
        organization,
        owner=owner,
        name="宁波四季超市",
        notes="一店\u2028二店",
        budget=decimal.Decimal("12000.50"),
        latitude=decimal.Decimal("30.274085"),
    )
    response = api_client_for(owner).get("/api/v1/customers/")
    assert response.status_code == 200
    ours, drfs = both(response.data)
    assert ours == drfs
    assert response.content == ours
    assert b"\\u2028" in ours


def test_values_orjson_does_not_know_come_out_as_drf_writes_them():
    data = {
        "label": gettext_lazy("Large"),
        "amount": decimal.Decimal("1.10"),
        "at": dt.datetime(2026, 11, 24, 3, 0, 1, 250000, tzinfo=dt.UTC),
        "at_local": dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "day": dt.date(2026, 2, 17),
        "time": dt.time(9, 30),
        "lasting": dt.timedelta(minutes=90),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        7: "an integer key",
        "line breaks": "a\u2029b",
        "nested": [{"ok": True, "none": None}, (1, 2)],
    }
    ours, drfs = both(data)
    assert ours == drfs


def test_what_orjson_refuses_is_rendered_by_drf():
    assert both({"big": 2**70}) == (b'{"big":1180591620717411303424}',) * 2


def test_an_indented_answer_asked_for_in_the_accept_header_is_drfs():
    ours, drfs = both({"a": [1, 2]}, "application/json; indent=2")
    assert ours == drfs == b'{\n  "a": [\n    1,\n    2\n  ]\n}'


@pytest.mark.django_db
def test_the_browsable_api_still_shows_the_json_indented(client, organization):
    owner = employee(organization, "销售部", role(organization, "代表", view="all"))
    archived(organization, owner=owner, name="杭州西湖茶叶有限公司")
    client.force_login(owner)
    response = client.get("/api/v1/customers/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "&quot;name&quot;: &quot;杭州西湖茶叶有限公司&quot;" in response.content.decode()
