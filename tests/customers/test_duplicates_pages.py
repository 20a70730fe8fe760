"""CUS-8 / API-5 through the API and the pages: the duplicate check endpoint, the cluster page, the
merge page, undo, the "Merges" tab; and what an out-of-scope user sees through each (PERM-3)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from qiao.customers.models import Contact, Customer, CustomerMerge
from tests.conftest import api_client_for
from tests.customers.test_dedupe import stored, valid_uscc
from tests.permissions_helpers import employee, role

pytestmark = pytest.mark.django_db
CHECK = "/api/v1/duplicates/check/"


@pytest.fixture(autouse=True)
def _fresh_cluster_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reps(organization):
    """Two reps who see only their own customers; each owns one record of the same company."""
    own = role(organization, "本人", view="owner", edit="owner", delete="owner")
    li = employee(organization, "销售部", own, full_name="李雷")
    han = employee(organization, "客服部", own, full_name="韩梅梅")
    mine = stored(organization, li, name="杭州西湖贸易有限公司", phone="13812345678")
    theirs = stored(organization, han, name="西湖贸易（杭州）", phone="138-1234-5678")
    return li, han, mine, theirs


# --- POST /api/v1/duplicates/check/ ---------------------------------------------------------------


def test_api5_check_returns_matches_with_score_and_reasons(admin_api, organization, admin_user):
    record = stored(organization, admin_user, name="杭州西湖贸易有限公司", unified_social_credit_code=valid_uscc())
    response = admin_api.post(
        CHECK, {"name": "杭州西湖貿易", "unified_social_credit_code": valid_uscc().lower()}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    (match,) = response.json()["matches"]
    assert match["type"] == "customer" and match["id"] == record.pk and match["name"] == record.name
    assert match["score"] == 1.0 and match["reasons"][0] == "Same unified social credit code"


def test_api5_check_with_nothing_matching_returns_an_empty_list(admin_api):
    response = admin_api.post(CHECK, {"name": "温州红日五金有限公司", "phone": "13900001111"})
    assert response.status_code == 200 and response.json() == {"matches": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "西湖贸易", "phone": "12345"}, "phone"),
        ({"name": "西湖贸易", "mobile": "abc"}, "mobile"),
        ({"name": "西湖贸易", "unified_social_credit_code": "91330106MA2B2C3D4Z"}, "unified_social_credit_code"),
        ({"name": "西湖贸易", "unified_social_credit_code": "123"}, "unified_social_credit_code"),
        ({}, "name"),
        ({"address": "杭州市西湖区"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "西湖贸易", "types": ["contract"]}, "types"),
        ({"name": "西湖贸易", "limit": 0}, "limit"),
        ({"name": ["not", "text"]}, "name"),
    ],
)
def test_api5_check_bad_input_is_400_naming_the_field(admin_api, body, field):
    response = admin_api.post(CHECK, body, format="json")
    assert response.status_code == 400
    assert field in response.json() and all(isinstance(m, str) for m in response.json()[field])


def test_api5_check_messages_in_the_request_language(admin_api):
    response = admin_api.post(CHECK, {"name": "西湖", "phone": "12345"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and response.json()["phone"]


def test_api5_check_needs_authentication():
    response = APIClient().post(CHECK, {"name": "西湖贸易"}, format="json")
    assert response.status_code == 401


def test_api5_check_shows_invisible_matches_only_as_a_clash_with_the_owner(organization, reps):
    li, _han, mine, theirs = reps
    response = api_client_for(li).post(CHECK, {"name": "杭州西湖贸易", "phone": "13812345678"})
    matches = response.json()["matches"]
    assert response.status_code == 200 and len(matches) == 2
    visible = next(m for m in matches if m["visible"])
    hidden = next(m for m in matches if not m["visible"])
    assert visible["id"] == mine.pk
    assert hidden["id"] is None and hidden["name"] == "" and hidden["owner"] == "韩梅梅"
    body = response.content.decode()
    assert str(theirs.pk) not in {str(m["id"]) for m in matches} and "西湖贸易（杭州）" not in body


def test_api5_check_returns_the_open_registrations_that_block_opp3(organization, reps):
    """API-5: the matches include the open opportunity registrations (type "opportunity") that make
    a registration fail (OPP-3); the owner sees theirs in full, anyone else only whose it is."""
    from qiao.sales.models import OpportunityStatus
    from tests.sales.helpers import opportunity

    li, han, _mine, _theirs = reps
    held = opportunity(
        organization, han, status=OpportunityStatus.SUBMITTED, customer_name="温州红日五金有限公司", phone="13900001111"
    )
    opportunity(  # a closed one holds nothing any more
        organization, han, status=OpportunityStatus.LOST, customer_name="温州红日五金", phone="13900002222"
    )
    body = {"name": "温州红日五金", "phone": "139 0000 1111"}

    own = api_client_for(han).post(CHECK, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert own.status_code == 200
    (match,) = own.json()["matches"]
    assert (match["type"], match["id"], match["name"], match["visible"]) == (
        "opportunity",
        held.pk,
        "温州红日五金有限公司",
        True,
    )
    assert match["score"] >= 0.8 and match["reasons"]

    other = api_client_for(li).post(CHECK, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert other.status_code == 200
    (hidden,) = other.json()["matches"]
    assert hidden["type"] == "opportunity" and hidden["id"] is None and hidden["name"] == ""
    assert hidden["visible"] is False and hidden["owner"] == "韩梅梅"
    assert "韩梅梅" in hidden["reasons"][0] and "温州红日" not in other.content.decode()

    only_customers = api_client_for(han).post(CHECK, {**body, "types": ["customer"]}, format="json")
    assert only_customers.json() == {"matches": []}


def test_api5_check_excludes_the_record_being_edited(admin_api, organization, admin_user):
    record = stored(organization, admin_user, name="杭州西湖贸易有限公司")
    response = admin_api.post(CHECK, {"name": record.name, "exclude_customer": record.pk})
    assert response.json() == {"matches": []}


# --- The cluster page ---------------------------------------------------------------------------------


def test_cus8_cluster_page_lists_clusters_with_a_merge_action(client, organization, admin_user):
    first = stored(organization, admin_user, name="杭州西湖贸易有限公司")
    second = stored(organization, admin_user, name="西湖贸易（杭州）")
    stored(organization, admin_user, name="苏州西湖贸易有限公司")
    client.force_login(admin_user)
    page = client.get(reverse("customers:duplicates")).content.decode()
    assert page.count("data-cluster") == 1 and "苏州西湖贸易有限公司" not in page
    assert f"ids={first.pk}&amp;ids={second.pk}" in page


def test_cus8_cluster_page_shows_a_cluster_only_with_two_visible_members(client, organization, reps):
    li, _han, mine, theirs = reps
    client.force_login(li)
    page = client.get(reverse("customers:duplicates")).content.decode()
    assert "data-empty" in page and mine.name not in page and theirs.name not in page


def test_perm3_out_of_scope_user_sees_nothing_through_the_cluster_page(client, organization, admin_user):
    stored(organization, admin_user, name="杭州西湖贸易有限公司")
    stored(organization, admin_user, name="西湖贸易（杭州）")
    outsider = employee(organization, "客服部", role(organization, "无", view="none"))
    client.force_login(outsider)
    page = client.get(reverse("customers:duplicates")).content.decode()
    assert "西湖贸易" not in page and "data-cluster" not in page


def test_cus8_cluster_page_needs_customer_view(client, organization):
    nobody = employee(organization, "客服部")
    client.force_login(nobody)
    assert client.get(reverse("customers:duplicates")).status_code == 403


def test_cus8_cluster_page_reflects_changes(client, organization, admin_user):
    client.force_login(admin_user)
    stored(organization, admin_user, name="杭州西湖贸易有限公司")
    assert "data-cluster" not in client.get(reverse("customers:duplicates")).content.decode()
    stored(organization, admin_user, name="西湖贸易（杭州）")
    assert "data-cluster" in client.get(reverse("customers:duplicates")).content.decode()


# --- Merge page, undo, the Merges tab ---------------------------------------------------------------


def test_cus8_merge_page_compares_side_by_side_and_merges(client, organization, admin_user):
    survivor = stored(organization, admin_user, name="杭州西湖贸易有限公司", phone="13812345678")
    merged = stored(organization, admin_user, name="西湖贸易（杭州）", email="xihu@example.cn")
    Contact.objects.create(org=organization, customer=merged, name="王伟")
    client.force_login(admin_user)
    url = f"{reverse('customers:merge')}?ids={merged.pk}&ids={survivor.pk}"
    page = client.get(url).content.decode()
    assert "merge-comparison" in page and "xihu@example.cn" in page and "138 1234 5678" in page
    response = client.post(reverse("customers:merge"), {"ids": [survivor.pk, merged.pk], "survivor": survivor.pk})
    assert response.status_code == 302 and response.url.startswith(reverse("customers:detail", args=[survivor.pk]))
    assert Contact.objects.get(name="王伟").customer_id == survivor.pk
    assert not Customer.objects.filter(pk=merged.pk).exists()
    detail = client.get(reverse("customers:detail", args=[survivor.pk])).content.decode()
    assert 'id="panel-merges"' in detail and "西湖贸易（杭州）" in detail and 'data-action="undo-merge"' in detail


def test_cus8_merge_page_without_a_survivor_is_a_form_error(client, organization, admin_user):
    first = stored(organization, admin_user, name="杭州西湖贸易有限公司")
    second = stored(organization, admin_user, name="西湖贸易（杭州）")
    client.force_login(admin_user)
    response = client.post(
        reverse("customers:merge"), {"ids": [first.pk, second.pk], "survivor": "999999"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400 and "Choose the customer that stays." in response.content.decode()
    assert Customer.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


@pytest.mark.parametrize("ids", [[], ["1"], ["abc", "2"]])
def test_cus8_merge_page_bad_ids_are_not_found(client, admin_user, ids):
    client.force_login(admin_user)
    assert client.get(reverse("customers:merge"), {"ids": ids}).status_code == 404


def test_perm3_merge_page_of_an_invisible_customer_is_not_found(client, organization, reps):
    li, _han, mine, theirs = reps
    client.force_login(li)
    assert client.get(reverse("customers:merge"), {"ids": [mine.pk, theirs.pk]}).status_code == 404
    response = client.post(reverse("customers:merge"), {"ids": [mine.pk, theirs.pk], "survivor": mine.pk})
    assert response.status_code == 404 and Customer.objects.filter(pk=theirs.pk).exists()


def test_cus8_merge_page_refuses_without_delete_rights(client, organization):
    actor = employee(organization, "销售部", role(organization, "改", view="owner", edit="owner", delete="none"))
    first = stored(organization, actor, name="杭州西湖贸易有限公司")
    second = stored(organization, actor, name="西湖贸易（杭州）")
    client.force_login(actor)
    page = client.get(reverse("customers:merge"), {"ids": [first.pk, second.pk]}).content.decode()
    assert 'data-action="confirm-merge"' not in page
    response = client.post(reverse("customers:merge"), {"ids": [first.pk, second.pk], "survivor": first.pk})
    assert response.status_code == 403 and Customer.objects.filter(pk=second.pk).exists()


def test_cus8_undo_from_the_history_page(client, organization, admin_user):
    survivor = stored(organization, admin_user, name="杭州西湖贸易有限公司")
    merged = stored(organization, admin_user, name="西湖贸易（杭州）")
    client.force_login(admin_user)
    client.post(reverse("customers:merge"), {"ids": [survivor.pk, merged.pk], "survivor": survivor.pk})
    record = CustomerMerge.objects.get()
    history = client.get(reverse("customers:merges")).content.decode()
    assert f'data-merge="{record.pk}"' in history and 'data-action="undo-merge"' in history
    response = client.post(reverse("customers:merge_undo", args=[record.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("customers:merges")
    assert Customer.objects.filter(pk=merged.pk).exists()
    response = client.post(reverse("customers:merge_undo", args=[record.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "already been undone" in response.content.decode()


def test_perm3_out_of_scope_user_sees_no_merges_and_cannot_undo(client, organization, admin_user):
    survivor = stored(organization, admin_user, name="杭州西湖贸易有限公司")
    merged = stored(organization, admin_user, name="西湖贸易（杭州）")
    from qiao.customers.merge import customer_merge

    record = customer_merge(actor=admin_user, survivor=survivor, merged=merged)
    outsider = employee(organization, "客服部", role(organization, "无", view="none"))
    client.force_login(outsider)
    assert "西湖贸易" not in client.get(reverse("customers:merges")).content.decode()
    assert client.post(reverse("customers:merge_undo", args=[record.pk])).status_code == 404
    assert not Customer.objects.filter(pk=merged.pk).exists()


def test_cus8_merges_tab_lists_possible_duplicates_redacted(client, organization, reps):
    li, _han, mine, _theirs = reps
    client.force_login(li)
    detail = client.get(reverse("customers:detail", args=[mine.pk])).content.decode()
    panel = detail[detail.index('id="merges-panel"') :]
    assert 'data-duplicate="hidden"' in panel and "韩梅梅" in panel and "西湖贸易（杭州）" not in panel


def test_cus8_navigation_has_duplicates(client, admin_user):
    client.force_login(admin_user)
    assert reverse("customers:duplicates") in client.get(reverse("customers:list")).content.decode()
