"""CUS-6: one search box that finds a customer by name, full pinyin, pinyin initials, phone digits,
contact, tag, credit code or address — on the list page as you type, in the API's `?search=` —
and never shows a customer the user cannot open (PERM-3)."""

import importlib

import pytest
from django.db.models.signals import post_init
from django.urls import reverse
from django.utils import timezone

from qiao.customers import queries
from qiao.customers.models import Contact, Customer
from tests.conftest import api_client_for
from tests.customers.archive_helpers import archived
from tests.permissions_helpers import employee, role

pytestmark = pytest.mark.django_db

USCC = "91330106MA2B3C4D5X"


@pytest.fixture
def world(organization):
    rep = role(organization, "代表", view="owner_department", edit="owner", delete="owner")
    owner = employee(organization, "销售部", rep)
    target = archived(
        organization,
        owner=owner,
        name="杭州西湖茶叶有限公司",
        mobile="138 1234 5678",
        phone="0571-8888 6666",
        unified_social_credit_code=_valid_uscc(),
        address="浙江省杭州市西湖区文三路398号",
        tags=["连锁"],
        contacts=[{"name": "张伟", "mobile": "139 8765 4321", "title": "店长"}],
    )
    other = archived(
        organization, owner=owner, name="宁波四季超市", mobile="137 0000 1111", address="宁波市海曙区中山路1号"
    )
    return {"owner": owner, "rep": rep, "target": target, "other": other, "organization": organization}


def _valid_uscc() -> str:
    from qiao.customers.chinese import uscc_check_character

    return USCC[:17] + uscc_check_character(USCC[:17])


def found(world, text, user=None):
    user = user or world["owner"]
    visible = Customer.objects.visible_to(user)
    return set(queries.search(visible, text, org_id=user.org_id).values_list("name", flat=True))


@pytest.mark.parametrize(
    "text",
    [
        "西湖",  # part of the name
        "杭州西湖茶叶",
        "hangzhouxihu",  # full pinyin
        "xihucha",
        "hzxh",  # initials: "hzxh" finds 杭州西湖… (SPEC CUS-6)
        "HZXH",
        "ＨＺＸＨ",  # full-width letters, as a Chinese input method may type them
        "5678",  # any run of four digits of a phone
        "1234 5678",
        "138-1234-5678",
        "(0571) 8888-6666",
        "张伟",  # a contact's name
        "zhangwei",  # a contact's name in pinyin
        "8765",  # a contact's phone
        "连锁",  # a tag
        "ma2b3c",  # part of the unified social credit code, any case
        "文三路",  # the address
        "杭州 茶叶",  # several terms must all match
    ],
)
def test_cus6_search_finds_the_customer_by(world, text):
    assert found(world, text) == {"杭州西湖茶叶有限公司"}, text


def test_cus6_the_full_credit_code_finds_it(world):
    assert found(world, world["target"].unified_social_credit_code) == {"杭州西湖茶叶有限公司"}


@pytest.mark.parametrize("text", ["杭州 超市", "hzxhq", "9999", "王五", "不存在"])
def test_cus6_search_finds_nothing_when_a_term_matches_nothing(world, text):
    assert found(world, text) == set()


def test_cus6_three_digits_are_not_a_phone_search(world):
    """A phone search needs at least four digits: "138" would match half the city."""
    assert "杭州西湖茶叶有限公司" not in found(world, "138")
    assert found(world, "1381") == {"杭州西湖茶叶有限公司"}


def test_cus6_an_empty_search_keeps_everything(world):
    assert found(world, "   ") == {"杭州西湖茶叶有限公司", "宁波四季超市"}


def test_cus6_deleted_contacts_and_customers_are_not_found(world):
    Contact.objects.filter(name="张伟").update(deleted_at=timezone.now())
    assert found(world, "张伟") == set()
    Customer.objects.filter(pk=world["other"].pk).update(deleted_at=timezone.now())
    assert found(world, "四季") == set()


def test_cus6_search_terms_fold_full_width_and_join_phone_numbers():
    assert queries.search_terms("ＨＺ　ｘｈ") == ["hz", "xh"]
    assert queries.search_terms("138 1234 5678") == ["13812345678"]
    assert queries.search_terms("+86 (571) 8888-6666") == ["8657188886666"]
    assert queries.search_terms("杭州 5678-1234") == ["杭州", "56781234"]
    assert queries.search_terms("a\x00b") == ["a", "b"]
    assert len(queries.search_terms(" ".join(f"w{n}" for n in range(20)))) == queries.MAX_TERMS


def test_cus6_the_indexed_expression_is_the_searched_one():
    """Migration 0004's trigram indexes serve the search only while both use the same expression."""
    migration = importlib.import_module("qiao.customers.migrations.0004_search_indexes")
    sql = str(Customer.objects.alias(text=queries.customer_search_text()).filter(text__contains="x").query)
    assert migration.CUSTOMER_TEXT in sql.replace('"customers_customer".', "").replace('"', "")
    sql = str(Contact.objects.alias(text=queries.contact_search_text()).filter(text__contains="x").query)
    assert migration.CONTACT_TEXT in sql.replace('"customers_contact".', "").replace('"', "")


# --- PERM-3: nothing out of scope, through any door ------------------------------------------------


@pytest.fixture
def outsider(world):
    """In another department, seeing only their own department's customers."""
    return employee(world["organization"], "客服部", world["rep"])


@pytest.mark.parametrize("text", ["西湖", "hzxh", "5678", "张伟", "8765", "连锁", "文三路", "ma2b3c"])
def test_perm3_search_finds_nothing_out_of_scope(world, outsider, text):
    archived(world["organization"], owner=outsider, name="客服部自己的客户")
    assert found(world, text, user=outsider) == set()


def test_perm3_the_list_page_search_shows_nothing_out_of_scope(world, outsider, client):
    client.force_login(outsider)
    for text in ("西湖", "hzxh", "张伟", "8765"):
        page = client.get(reverse("customers:list"), {"q": text}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        results = page[page.index('id="record-results"') :]
        assert "杭州西湖茶叶" not in results and "店长" not in results, text
        assert "0 customers" in results
    client.force_login(world["owner"])
    page = client.get(reverse("customers:list"), {"q": "张伟"}).content.decode()
    assert "杭州西湖茶叶有限公司" in page and "宁波四季超市" not in page


def test_perm3_the_api_search_shows_nothing_out_of_scope(world, outsider):
    response = api_client_for(outsider).get("/api/v1/customers/", {"search": "hzxh"})
    assert response.status_code == 200 and response.json()["count"] == 0
    response = api_client_for(world["owner"]).get("/api/v1/customers/", {"search": "hzxh"})
    assert [row["name"] for row in response.json()["results"]] == ["杭州西湖茶叶有限公司"]


def test_cus6_search_as_you_type_answers_with_the_results_only(world, client):
    """The list's search box asks with htmx (debounced): the answer is the results part of the page."""
    client.force_login(world["owner"])
    response = client.get(reverse("customers:list"), {"q": "hzxh"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="record-results"') and "<html" not in html
    assert "杭州西湖茶叶有限公司" in html and "宁波四季超市" not in html
    page = client.get(reverse("customers:list")).content.decode()
    assert 'hx-trigger="input changed delay:300ms from:input[name=q]' in page


def test_cus6_the_search_page_has_a_query_budget(world, client, django_assert_max_num_queries):
    for number in range(30):
        archived(world["organization"], owner=world["owner"], name=f"杭州西湖分店{number}", tags=["连锁"])
    client.force_login(world["owner"])
    with django_assert_max_num_queries(24):
        response = client.get(reverse("customers:list"), {"q": "xihu"})
    assert response.content.decode().count("杭州西湖分店") == 25  # one page


def test_cus6_a_search_page_reads_only_its_own_customers(world, client):
    """The list page reads the page of a search's matches that it shows, not every match."""
    for number in range(30):
        archived(world["organization"], owner=world["owner"], name=f"杭州西湖分店{number}")
    client.force_login(world["owner"])
    built = []

    def record(sender, instance, **kwargs):
        built.append(instance)

    post_init.connect(record, sender=Customer)
    try:
        response = client.get(reverse("customers:list"), {"q": "xihu", "per_page": 5, "page": 2})
    finally:
        post_init.disconnect(record, sender=Customer)
    assert response.content.decode().count("杭州西湖分店") == 5
    assert response.context["table"].page.paginator.count == 31
    assert len(built) == 5


@pytest.mark.parametrize("candidate_limit", [0, 5000])
def test_perm3_both_ways_of_reading_a_search_find_the_same_visible_customers(
    world, outsider, monkeypatch, candidate_limit
):
    """A search that matches few customers is read from their ids (`CANDIDATE_LIMIT`), a broad one
    through the scope's indexes: the results, the count and the newest-first page are the same, and
    neither way finds a customer out of scope (PERM-3)."""
    monkeypatch.setattr(queries, "CANDIDATE_LIMIT", candidate_limit)
    for number in range(4):
        archived(world["organization"], owner=world["owner"], name=f"杭州西湖分店{number}")
    archived(world["organization"], owner=outsider, name="杭州西湖客服部客户")
    owner_view = Customer.objects.visible_to(world["owner"])
    results = queries.SearchResults(queries.search(owner_view, "xihu", org_id=world["organization"].pk))
    newest_first = list(owner_view.filter(name__contains="西湖").order_by("-created_at", "-pk"))
    assert results.count() == 5
    assert [row.pk for row in results[0:3]] == [row.pk for row in newest_first[:3]]
    assert found(world, "xihu", user=outsider) == {"杭州西湖客服部客户"}
    response = api_client_for(outsider).get("/api/v1/customers/", {"search": "西湖分店"})
    assert response.json()["count"] == 0
