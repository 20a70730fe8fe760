"""CUS-8 on the customer form and the API: the one duplicate check warns while a new customer is
typed, refuses to save a second record of the same shop until the user confirms it is a different
one, shows a customer the user cannot see only as a clash with its owner (PERM-3), and never
blocks editing a customer."""

import pytest
from django.urls import reverse

from qiao.customers.models import Customer
from tests.conftest import api_client_for
from tests.customers.archive_helpers import archived
from tests.customers.test_customers import full_payload
from tests.permissions_helpers import employee, role

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CUSTOMERS = "/api/v1/customers/"
CONFIRM_LABEL = "This is a different customer; save anyway"


@pytest.fixture
def rep_role(organization):
    return role(organization, "代表", view="owner", edit="owner", delete="owner")


@pytest.fixture
def rep(organization, rep_role):
    return employee(organization, "销售部", rep_role, full_name="周建华")


@pytest.fixture
def colleague(organization, rep_role):
    return employee(organization, "客服部", rep_role, full_name="韩梅梅")


@pytest.fixture
def existing(organization, rep):
    return archived(
        organization,
        owner=rep,
        name="杭州西湖龙井茶叶有限公司",
        phone="0571 8888 6666",
        address="浙江省杭州市西湖区龙井路1号",
    )


def same_shop(owner, **overrides) -> dict:
    """The existing shop typed again, the way people write it."""
    return full_payload(owner, **{"name": "西湖龙井茶叶（杭州）", "phone": "0571-88886666", "mobile": "", **overrides})


def test_cus8_form_refuses_a_duplicate_then_saves_it_when_confirmed(client, rep, existing):
    client.force_login(rep)
    response = client.post(reverse("customers:add"), same_shop(rep), **EN)
    page = response.content.decode()
    assert response.status_code == 200 and Customer.objects.count() == 1
    assert "Nothing was saved." in page and "This customer may already exist" in page
    assert f'data-match="customer-{existing.pk}"' in page
    assert reverse("customers:detail", args=[existing.pk]) in page and existing.name in page
    assert 'name="confirm_not_duplicate"' in page and CONFIRM_LABEL in page

    response = client.post(reverse("customers:add"), same_shop(rep, confirm_not_duplicate="on"), **EN)
    created = Customer.objects.exclude(pk=existing.pk).get()
    assert response.status_code == 302 and response.url == reverse("customers:detail", args=[created.pk])
    assert created.name == "西湖龙井茶叶（杭州）"


def test_cus8_form_saves_a_customer_without_matches_and_shows_no_checkbox(client, rep, existing):
    client.force_login(rep)
    page = client.get(reverse("customers:add"), **EN).content.decode()
    assert 'id="customer-duplicates"' in page and reverse("customers:duplicate_check") in page
    assert 'name="confirm_not_duplicate"' not in page
    response = client.post(reverse("customers:add"), full_payload(rep, name="宁波四季超市", phone="", mobile=""))
    assert response.status_code == 302 and Customer.objects.filter(name="宁波四季超市").exists()


def test_cus8_api_create_is_a_400_with_the_duplicates_then_201_when_confirmed(rep, existing):
    api = api_client_for(rep)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    payload = {"name": "西湖龙井茶叶（杭州）", "phone": "0571-88886666"}
    response = api.post(CUSTOMERS, payload, format="json")
    assert response.status_code == 400 and Customer.objects.count() == 1
    body = response.json()
    assert "This customer may already exist" in body["confirm_not_duplicate"][0]
    [match] = body["duplicates"]
    assert (match["type"], match["id"], match["name"], match["visible"]) == (
        "customer",
        existing.pk,
        existing.name,
        True,
    )
    assert match["score"] >= 0.8 and match["reasons"] and "owner" not in match

    response = api.post(CUSTOMERS, {**payload, "confirm_not_duplicate": True}, format="json")
    assert response.status_code == 201, response.json()
    assert "confirm_not_duplicate" not in response.json()
    assert Customer.objects.filter(pk=response.json()["id"], name="西湖龙井茶叶（杭州）").exists()


def test_cus8_api_hides_a_match_the_user_cannot_see(colleague, existing):
    api = api_client_for(colleague)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = api.post(CUSTOMERS, {"name": "西湖龙井茶叶（杭州）", "phone": "0571-88886666"}, format="json")
    assert response.status_code == 400
    [match] = response.json()["duplicates"]
    assert (match["id"], match["name"], match["visible"], match["owner"]) == (None, "", False, "周建华")
    assert existing.name not in response.content.decode() and "8888" not in response.content.decode()


def test_cus8_live_panel_shows_the_likely_matches_while_typing(client, rep, existing):
    client.force_login(rep)
    url = reverse("customers:duplicate_check")
    page = client.get(url, {"name": "杭州西湖龙井茶叶", "phone": "", "mobile": ""}, **EN).content.decode()
    assert "Possible duplicates" in page and f'data-match="customer-{existing.pk}"' in page
    assert reverse("customers:detail", args=[existing.pk]) in page and existing.name in page
    # The same phone alone finds it too; nothing typed yet, or another shop, finds nothing.
    assert f'data-match="customer-{existing.pk}"' in client.get(url, {"phone": "057188886666"}).content.decode()
    assert client.get(url, {"name": ""}).content.decode().strip() == ""
    assert "data-match" not in client.get(url, {"name": "宁波四季超市"}).content.decode()


def test_cus8_live_panel_names_a_hidden_match_only_as_a_clash_with_its_owner(client, colleague, existing):
    client.force_login(colleague)
    assert not Customer.objects.visible_to(colleague).filter(pk=existing.pk).exists()
    page = client.get(reverse("customers:duplicate_check"), {"name": "杭州西湖龙井茶叶"}, **EN).content.decode()
    assert 'data-match="hidden"' in page and "Matches a record you cannot see; its owner is 周建华." in page
    assert existing.name not in page and reverse("customers:detail", args=[existing.pk]) not in page
    # The refused save says as much, and no more.
    page = client.post(reverse("customers:add"), same_shop(colleague), **EN).content.decode()
    assert Customer.objects.count() == 1 and 'data-match="hidden"' in page and CONFIRM_LABEL in page
    assert reverse("customers:detail", args=[existing.pk]) not in page


def test_cus8_editing_a_customer_is_not_blocked_and_its_panel_leaves_it_out(client, rep, existing):
    client.force_login(rep)
    page = client.get(reverse("customers:edit", args=[existing.pk]), **EN).content.decode()
    assert f'"exclude": "{existing.pk}"' in page and 'name="confirm_not_duplicate"' not in page
    panel = client.get(reverse("customers:duplicate_check"), {"name": existing.name, "exclude": existing.pk})
    assert "data-match" not in panel.content.decode()
    data = same_shop(rep, name=existing.name, version=existing.version, owner_department=rep.department_id)
    response = client.post(reverse("customers:edit", args=[existing.pk]), data)
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.boss_name == "王建国" and Customer.objects.count() == 1
    # The API edits it as well, with or without the flag.
    api = api_client_for(rep)
    response = api.patch(f"{CUSTOMERS}{existing.pk}/", {"boss_name": "王建军"}, format="json")
    assert response.status_code == 200 and Customer.objects.get(pk=existing.pk).boss_name == "王建军"
