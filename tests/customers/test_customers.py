"""The customer archive's pages (CUS-1, CUS-4): the form with every field of the standard archive
in sections, validation messages next to their fields, address parsing, tags; the list with the
classifications as filters, chosen columns and facet counts, all within what the user may see
(PERM-3); the customer's page with its profile, contacts and panels."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from qiao.customers.forms import SECTIONS
from qiao.customers.models import Customer, Tag
from tests.customers.archive_helpers import archived
from tests.permissions_helpers import employee, role

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def rep_role(organization):
    return role(organization, "代表", view="owner_department", edit="owner", delete="owner")


@pytest.fixture
def owner(organization, rep_role):
    return employee(organization, "销售部", rep_role, full_name="周建华")


@pytest.fixture
def outsider(organization, rep_role):
    return employee(organization, "客服部", rep_role, full_name="局外人")


def full_payload(owner, **overrides) -> dict:
    """Every field of the form, as a browser posts it."""
    data = {
        "name": "杭州西湖龙井茶叶有限公司",
        "short_name": "西湖龙井",
        "unified_social_credit_code": "",
        "phone": "0571-8888 6666",
        "mobile": "13812345678",
        "email": "longjing@example.cn",
        "wechat": "xihu_longjing",
        "website": "https://www.longjing.example.cn",
        "preferred_channel": "wechat",
        "address": "浙江省杭州市西湖区龙井路1号",
        "province": "",
        "city": "",
        "district": "",
        "street": "",
        "latitude": "",
        "longitude": "",
        "source": "referral",
        "industry": "茶叶零售",
        "size": "medium",
        "cooperation_status": "normal",
        "nature": "company",
        "volume": "key",
        "tenure": "old",
        "abc_class": "a",
        "value_tier": "high",
        "lifecycle": "active",
        "tags": ["重点客户", "新品试点"],
        "boss_name": "王建国",
        "boss_gender": "male",
        "birthday_calendar": "lunar",
        "birthday_year": "1968",
        "birthday_month": "8",
        "birthday_day": "15",
        "boss_family": "已婚，一子一女",
        "boss_occupation": "个体经营者",
        "boss_income_band": "年收入 50–100 万",
        "boss_education": "大专",
        "boss_personality": "直爽，重情义",
        "boss_hobbies": "喝茶、钓鱼",
        "boss_social_network": "当地商会会员",
        "capital_strength": "雄厚",
        "budget": "200000.00",
        "sales_status": "月销约 20 万",
        "payment_record": "按时结款",
        "management_level": "规范",
        "notes": "老板只在上午在店。",
        "owner": owner.pk,
        "owner_department": "",
    }
    data.update(overrides)
    return data


# --- CUS-1: the form ---------------------------------------------------------------------------


def test_cus1_the_form_has_every_field_of_the_archive_in_sections(client, owner):
    client.force_login(owner)
    page = client.get(reverse("customers:add"), **EN).content.decode()
    editable = {
        field.name
        for field in [*Customer._meta.concrete_fields, *Customer._meta.many_to_many]
        if field.editable and not field.primary_key and field.name not in {"org"}
    }
    for name in editable:
        assert f'name="{name}"' in page, name
    for section in SECTIONS:
        assert f'id="section-{section.key}"' in page and str(section.title) in page
    # Every field sits in exactly one section.
    names = [name for section in SECTIONS for name in section.fields]
    assert sorted(names) == sorted(set(names)) and set(names) == editable


def test_cus1_create_with_every_field(client, owner, organization):
    Tag.objects.create(org=organization, name="重点客户")
    client.force_login(owner)
    response = client.post(reverse("customers:add"), full_payload(owner))
    record = Customer.objects.get(name="杭州西湖龙井茶叶有限公司")
    assert response.status_code == 302 and response.url == reverse("customers:detail", args=[record.pk])
    assert (record.phone, record.mobile) == ("0571 8888 6666", "138 1234 5678")  # normalized
    assert (record.province, record.city, record.district, record.street) == ("浙江省", "杭州市", "西湖区", "龙井路1号")
    assert record.latitude is not None and record.longitude is not None  # the district's centre (CUS-9)
    assert (record.birthday_calendar, record.birthday_month, record.birthday_day) == ("lunar", 8, 15)
    assert record.budget == Decimal("200000.00") and record.boss_hobbies == "喝茶、钓鱼"
    assert (record.name_initials, record.phone_digits) == ("hzxhljcyyxgs", "057188886666 13812345678")
    assert sorted(tag.name for tag in record.tags.all()) == ["新品试点", "重点客户"]
    assert Tag.objects.filter(org=organization).count() == 2  # the existing tag reused, one new
    assert record.owner == owner and record.owner_department == owner.department


def test_cus1_the_customers_page_shows_the_profile_by_section_in_words(client, owner):
    client.force_login(owner)
    client.post(reverse("customers:add"), full_payload(owner))
    record = Customer.objects.get(name="杭州西湖龙井茶叶有限公司")
    page = client.get(reverse("customers:detail", args=[record.pk]), **EN).content.decode()
    for key in ("identity", "address", "classification", "boss", "business", "notes", "team"):
        assert f'data-section="{key}"' in page
    for text in ("Medium", "Ordinary company", "Old customer", "Active / loyal", "High value", "WeChat", "Referral"):
        assert text in page, text  # choice labels, not codes
    assert "08-15 (lunar)" in page and "1968" in page  # the boss's lunar birthday
    assert "longjing@example.cn" in page and "浙江省" in page and "新品试点" in page


def test_cus1_address_parts_given_are_kept_and_a_new_address_is_parsed_again(client, owner):
    client.force_login(owner)
    client.post(
        reverse("customers:add"),
        full_payload(owner, province="浙江省", city="杭州市", district="上城区", street="自定义街道"),
    )
    record = Customer.objects.get(name="杭州西湖龙井茶叶有限公司")
    assert (record.district, record.street) == ("上城区", "自定义街道")
    data = full_payload(owner, address="江苏省南京市玄武区中山路1号", version=record.version)
    data.update({name: getattr(record, name) or "" for name in ("province", "city", "district", "street")})
    data.update({name: str(getattr(record, name) or "") for name in ("latitude", "longitude")})
    client.post(reverse("customers:edit", args=[record.pk]), data)
    record.refresh_from_db()
    assert (record.province, record.city, record.district) == ("江苏省", "南京市", "玄武区")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mobile", "1381234", "is not a valid phone number"),
        ("phone", "12-34", "is not a valid phone number"),
        ("unified_social_credit_code", "91330106MA2B3C4D5A", "does not match the others"),
        ("unified_social_credit_code", "9133010", "has 18 characters"),
        ("unified_social_credit_code", "91330106MA2B3C4DIO", "only digits and the capital letters"),
        ("email", "not-an-email", "valid email"),
        ("website", "not a web address", "valid URL"),
        ("birthday_day", "31", "There is no 2/31"),
        ("budget", "lots", "number"),
        ("latitude", "north", "number"),
        ("size", "huge", "Select a valid choice"),
    ],
)
def test_cus1_bad_input_is_named_next_to_its_field_and_nothing_is_saved(client, owner, field, value, message):
    client.force_login(owner)
    overrides = {field: value}
    if field == "birthday_day":
        overrides.update(birthday_calendar="solar", birthday_month="2")
    response = client.post(reverse("customers:add"), full_payload(owner, **overrides), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    block = re.search(rf'data-field="{field}">(.*?)</div>\s*</div>', page, re.S)
    assert block and "invalid-feedback" in block.group(1) and message in block.group(1), page[:0]
    assert "Nothing was saved." in page
    assert not Customer.objects.filter(name="杭州西湖龙井茶叶有限公司").exists()


def test_cus1_a_lunar_birthday_in_a_missing_leap_month_is_refused(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("customers:add"),
        full_payload(owner, birthday_year="2024", birthday_month="5", birthday_leap_month="on"),
        **EN,
    )
    assert "has no leap month 5" in response.content.decode()
    assert not Customer.objects.exists()


def test_nfr2_an_edit_on_a_stale_version_is_refused(client, owner):
    record = archived(owner.org, owner=owner, name="宁波四季超市")
    Customer.objects.filter(pk=record.pk).update(version=5)
    client.force_login(owner)
    response = client.post(
        reverse("customers:edit", args=[record.pk]), full_payload(owner, name="宁波四季超市总店", version=1), **EN
    )
    assert "Someone else saved this record" in response.content.decode()
    assert Customer.objects.get(pk=record.pk).name == "宁波四季超市"


# --- CUS-4: classifications as filters, columns and facets --------------------------------------

CLASSES = [
    ("size", "large", "small"),
    ("cooperation_status", "has_problems", "normal"),
    ("nature", "government", "company"),
    ("volume", "key", "scattered"),
    ("tenure", "future", "old"),
    ("abc_class", "a", "c"),
    ("value_tier", "high", "low"),
    ("lifecycle", "at_risk", "active"),
    ("source", "trade_show", "phone"),
]


@pytest.mark.parametrize(("field", "wanted", "other"), CLASSES)
def test_cus4_each_classification_filters_the_list(client, owner, field, wanted, other):
    archived(owner.org, owner=owner, name="甲客户", **{field: wanted})
    archived(owner.org, owner=owner, name="乙客户", **{field: other})
    client.force_login(owner)
    results = client.get(reverse("customers:list"), {field: wanted}, HTTP_HX_REQUEST="true").content.decode()
    assert "甲客户" in results and "乙客户" not in results


def test_cus4_tag_owner_department_and_province_filter_the_list(client, organization, owner, rep_role):
    colleague = employee(organization, "销售部", rep_role, full_name="同事")
    tagged = archived(
        organization, owner=owner, name="有标签的店", tags=["连锁"], address="江苏省南京市玄武区中山路1号"
    )
    archived(organization, owner=colleague, name="同事的店")
    client.force_login(owner)

    def names(**params):
        html = client.get(reverse("customers:list"), params, HTTP_HX_REQUEST="true").content.decode()
        return {name for name in ("有标签的店", "同事的店") if name in html}

    assert names(tag=tagged.tags.get().pk) == {"有标签的店"}
    assert names(owner=colleague.pk) == {"同事的店"}
    assert names(owner_department=owner.department.pk) == {"有标签的店", "同事的店"}
    assert names(province="江苏省") == {"有标签的店"}


def test_cus4_the_owner_filter_holds_only_the_chosen_employee_and_looks_the_others_up(
    client, organization, owner, rep_role
):
    """An organization may have thousands of employees: the filter renders the chosen one only and
    searches the employees API (which answers within the user's view) as one types."""
    colleagues = [employee(organization, "销售部", rep_role, full_name=f"同事{n}") for n in range(3)]
    client.force_login(owner)
    page = client.get(reverse("customers:list")).content.decode()
    select = re.search(r'<select name="owner".*?</select>', page, re.S).group(0)
    assert 'data-lookup="/api/v1/users/"' in select and 'data-lookup-label="full_name"' in select
    assert select.count("<option") == 1 and not any(c.full_name in select for c in colleagues)
    chosen = client.get(reverse("customers:list"), {"owner": colleagues[1].pk}).content.decode()
    select = re.search(r'<select name="owner".*?</select>', chosen, re.S).group(0)
    assert select.count("<option") == 2 and "同事1" in select and "selected" in select


def test_cus4_facets_count_per_class_within_the_visible_filtered_set(client, organization, owner, outsider):
    for size in ("large", "large", "small"):
        archived(organization, owner=owner, name=f"{size}的店", size=size, abc_class="a")
    archived(organization, owner=owner, name="没有大小的店", abc_class="b")
    for _ in range(5):
        archived(organization, owner=outsider, name="客服部的店", size="large", abc_class="a")
    client.force_login(owner)
    html = client.get(reverse("customers:facets"), **EN).content.decode()
    assert facet(html, "size") == {"large": 2, "medium": 0, "small": 1, "": 1}
    assert facet(html, "abc_class") == {"a": 3, "b": 1, "c": 0}
    # Filtered by another class: the counts follow the filter.
    html = client.get(reverse("customers:facets"), {"abc_class": "b"}, **EN).content.decode()
    assert facet(html, "size") == {"large": 0, "medium": 0, "small": 0, "": 1}
    # Filtered by the same class: its own counts stay, so the other classes remain reachable.
    html = client.get(reverse("customers:facets"), {"size": "small"}, **EN).content.decode()
    assert facet(html, "size") == {"large": 2, "medium": 0, "small": 1, "": 1}
    assert facet(html, "abc_class") == {"a": 1, "b": 0, "c": 0}
    assert re.search(r'class="qiao-facet active[^"]*" data-value="small"', html)


def test_perm3_facets_count_nothing_out_of_scope(client, organization, owner, outsider):
    archived(organization, owner=owner, name="销售部的店", size="large")
    client.force_login(outsider)
    html = client.get(reverse("customers:facets")).content.decode()
    assert set(facet(html, "size").values()) == {0}


def facet(html: str, field: str) -> dict:
    block = re.search(rf'data-facet="{field}">(.*?)</div>', html, re.S).group(1)
    return {
        value: int(count)
        for value, count in re.findall(r'data-value="([^"]*)"[^>]*>[^<]*<span class="qiao-facet-count">(\d+)', block)
    }


def test_cus4_facets_take_one_grouped_query_per_dimension(client, owner, django_assert_max_num_queries):
    for number in range(20):
        archived(owner.org, owner=owner, name=f"店{number}", size="small")
    client.force_login(owner)
    with django_assert_max_num_queries(4 + 10):  # session and user, roles, pool settings, 4 facets
        client.get(reverse("customers:facets"))


def test_cus4_columns_are_chosen_remembered_and_the_export_holds_them_all(client, owner):
    archived(
        owner.org, owner=owner, name="宁波四季超市", email="siji@example.cn", lifecycle="at_risk", mobile="13700001111"
    )
    client.force_login(owner)
    default = client.get(reverse("customers:list"), **EN).content.decode()
    assert ">Phone<" in header_row(default) and "E-mail" not in header_row(default)
    chosen = client.get(
        reverse("customers:list"), {"set_columns": "1", "columns": ["email", "lifecycle"]}, **EN
    ).content.decode()
    assert "E-mail" in header_row(chosen) and "Lifecycle stage" in header_row(chosen)
    assert ">Phone<" not in header_row(chosen) and "siji@example.cn" in chosen and "At risk" in chosen
    later = client.get(reverse("customers:list"), **EN).content.decode()
    assert "E-mail" in header_row(later) and ">Phone<" not in header_row(later)
    # Facets follow the classifications shown.
    assert 'data-facet="lifecycle"' in client.get(reverse("customers:facets")).content.decode()
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("customers:list"), {"export": "xlsx"}, **EN).content)
    ).active
    headers = [cell.value for cell in next(sheet.iter_rows())]
    assert "Phone" in headers and "E-mail" in headers and "Tags" in headers and "Province" in headers


def header_row(html: str) -> str:
    return re.search(r"<thead.*?</thead>", html, re.S).group(0)


def test_the_list_has_a_query_budget(client, owner, django_assert_max_num_queries):
    for number in range(30):
        archived(owner.org, owner=owner, name=f"店{number}", tags=["连锁", "社区店"])
    client.force_login(owner)
    client.get(reverse("customers:list"), {"set_columns": "1", "columns": ["tags", "owner", "owner_department"]})
    with django_assert_max_num_queries(20):
        response = client.get(reverse("customers:list"))
    assert response.content.decode().count("社区店") >= 25


def test_perm3_the_list_and_export_show_nothing_out_of_scope(client, organization, owner, outsider):
    archived(organization, owner=owner, name="销售部的秘密客户", tags=["连锁"])
    client.force_login(outsider)
    assert "销售部的秘密客户" not in client.get(reverse("customers:list")).content.decode()
    assert "销售部的秘密客户" not in client.get(reverse("customers:list"), {"export": "csv"}).content.decode(
        "utf-8-sig"
    )


# --- The customer's page ------------------------------------------------------------------------


def test_the_customers_page_shows_contacts_and_every_panel(client, organization, owner):
    owner.roles.add(role(organization, "知识", codes=["knowledge.browse"]))
    record = archived(
        owner.org,
        owner=owner,
        name="宁波四季超市",
        contacts=[{"name": "李芳", "title": "采购", "mobile": "136 1111 2222", "decision_role": "influencer"}],
    )
    client.force_login(owner)
    page = client.get(reverse("customers:detail", args=[record.pk]), **EN).content.decode()
    assert 'id="contacts-panel"' in page and "李芳" in page and "136 1111 2222" in page and "Influencer" in page
    for key in ("activities", "comments", "attachments", "knowledge", "history"):
        assert f'href="#panel-{key}"' in page, key
