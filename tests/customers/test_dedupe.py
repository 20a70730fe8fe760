"""CUS-8 duplicate detection: every sentence of the requirement, on the matcher and through the
database (candidate retrieval by the indexed keys)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qiao.customers import chinese, dedupe
from qiao.customers.dedupe import (
    DuplicateMatch,
    duplicate_clusters_as_system,
    find_duplicates_as_system,
    make_profile,
    match_many_as_system,
    matches_for_user,
    score_pair,
)
from qiao.customers.models import Customer, Lead
from qiao.customers.services import prepare_customer
from tests.permissions_helpers import employee, role

# The reasons are translated sentences without codes: they are checked in English.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def stored(organization, owner=None, **fields) -> Customer:
    """A customer saved the way the pages and the API save one (normalized, keys computed)."""
    customer = Customer(org=organization, owner=owner, owner_department=owner.department if owner else None, **fields)
    prepare_customer(customer)
    customer.save()
    return customer


def same(first: str, second: str, **extra) -> float:
    return score_pair(make_profile(name=first, **extra), make_profile(name=second, **extra))[0]


# --- The company name, normalized (CUS-8) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "why"),
    [
        ("杭州西湖貿易有限公司", "traditional characters"),
        ("杭州西湖贸易", "no legal form"),
        ("杭州西湖贸易有限责任公司", "another legal form"),
        ("西湖贸易（杭州）有限公司", "bracketed region, full-width"),
        ("西湖贸易(杭州)有限公司", "bracketed region, half-width"),
        ("浙江杭州西湖贸易有限公司", "province prefix"),
        ("杭州市西湖贸易有限公司", "city with 市"),
        ("西湖贸易有限公司", "no region"),
        ("杭州 西湖·贸易 有限公司。", "spaces and punctuation"),
    ],
)
def test_cus8_company_name_variants_are_the_same_customer(variant, why):
    assert dedupe.is_duplicate(same("杭州西湖贸易有限公司", variant)), why
    assert chinese.company_name_key(variant) == chinese.company_name_key("杭州西湖贸易有限公司") == "西湖贸易"


def test_cus8_full_width_letters_and_digits_are_half_width():
    assert chinese.company_name_key("ＡＢＣ３Ｄ打印科技有限公司") == chinese.company_name_key("ABC3D打印科技有限公司")
    assert dedupe.is_duplicate(same("ＡＢＣ３Ｄ打印科技有限公司", "abc3d打印科技"))


@pytest.mark.parametrize(
    ("first", "second", "why"),
    [
        ("杭州西湖贸易有限公司", "苏州西湖贸易有限公司", "same name in another city"),
        ("西湖贸易（杭州）有限公司", "西湖贸易（苏州）有限公司", "another city in brackets"),
        ("杭州西湖贸易有限公司", "杭州西湖贸易有限公司宁波分公司", "head office and its branch office"),
        ("杭州西湖贸易有限公司宁波分公司", "杭州西湖贸易有限公司温州分公司", "two branch offices"),
        ("永辉超市（滨江店）", "永辉超市（西湖店）", "two shops of a chain"),
        ("杭州西湖贸易有限公司", "杭州西湖科技有限公司", "same trade name, another industry"),
        ("杭州恒达贸易有限公司", "杭州恒大贸易有限公司", "homophone trade names"),
        ("杭州鑫源五金有限公司", "杭州新元五金有限公司", "homophone trade names"),
        ("杭州恒达贸易有限公司", "杭州恒达通贸易有限公司", "one character more"),
        ("杭州市西湖区恒达贸易有限公司", "杭州市滨江区恒达贸易有限公司", "two districts of one city"),
    ],
)
def test_cus8_different_companies_do_not_match(first, second, why):
    assert not dedupe.is_duplicate(same(first, second)), why


def test_cus8_branch_offices_parse_apart_from_their_head_office():
    branch = chinese.parse_company_name("杭州西湖贸易有限公司（宁波分公司）")
    assert (branch.core, branch.branch, branch.legal_form) == ("西湖贸易", "宁波", "有限公司")
    assert chinese.company_name_key("杭州西湖贸易有限公司宁波分公司") == "西湖贸易#宁波"
    assert chinese.parse_company_name("美宜佳便利店").branch == ""  # a kind of shop, not a branch


def test_cus8_regions_come_from_cpca_tables():
    name = chinese.parse_company_name("浙江杭州西湖贸易有限公司")
    assert name.regions == ("浙江", "杭州") and {"33", "3301"} <= name.places
    # A district's short name is only the region right after its city; alone it is a trade name.
    assert chinese.parse_company_name("西湖龙井茶业有限公司").core == "西湖龙井茶业"
    assert chinese.parse_company_name("杭州西湖龙井茶业有限公司").core == "龙井茶业"
    # A region that leaves only the industry is the trade name itself.
    assert chinese.parse_company_name("杭州贸易有限公司").core == "杭州贸易"


def test_cus8_same_name_in_another_city_by_address():
    hangzhou = make_profile(name="西湖贸易有限公司", address="浙江省杭州市西湖区文三路90号")
    suzhou = make_profile(name="西湖贸易有限公司", address="江苏省苏州市姑苏区人民路5号")
    score, reasons = score_pair(hangzhou, suzhou)
    assert not dedupe.is_duplicate(score)
    assert any("Different cities" in reason for reason in reasons)


def test_cus8_pinyin_typed_name_with_the_same_phone():
    score, reasons = score_pair(
        make_profile(name="xihu maoyi", phones=["13812345678"]),
        make_profile(name="杭州西湖贸易有限公司", phones=["138 1234 5678"]),
    )
    assert dedupe.is_duplicate(score)
    assert any("pinyin" in reason for reason in reasons)


def test_cus8_homophone_typo_needs_other_evidence():
    alone = same("杭州西湖贸易有限公司", "杭州西胡贸易有限公司")
    with_phone = score_pair(
        make_profile(name="杭州西湖贸易有限公司", phones=["13812345678"]),
        make_profile(name="杭州西胡贸易有限公司", phones=["13812345678"]),
    )[0]
    assert not dedupe.is_duplicate(alone) and dedupe.is_duplicate(with_phone)


# --- Code and phone --------------------------------------------------------------------------------


def valid_uscc(body: str = "91330106MA2B2C3D4") -> str:
    return body + chinese.uscc_check_character(body)


def test_cus8_same_unified_social_credit_code_is_the_same_customer_even_renamed():
    code = valid_uscc()
    score, reasons = score_pair(
        make_profile(name="杭州西湖贸易有限公司", unified_social_credit_code=code),
        make_profile(name="浙江湖畔商贸有限公司", unified_social_credit_code=code.lower()),
    )
    assert score == 1.0 and reasons[0] == "Same unified social credit code"


def test_cus8_different_codes_are_different_customers():
    score, reasons = score_pair(
        make_profile(name="杭州西湖贸易有限公司", unified_social_credit_code=valid_uscc()),
        make_profile(name="西湖贸易（杭州）有限公司", unified_social_credit_code=valid_uscc("91330106MA2B2C3D5")),
    )
    assert not dedupe.is_duplicate(score) and "Different unified social credit codes" in reasons


@pytest.mark.parametrize("written", ["138-1234-5678", "+86 138 1234 5678", "13812345678", "138 1234 5678"])
def test_cus8_normalized_phone_matches_however_written(written):
    score, reasons = score_pair(
        make_profile(name="", phones=[written]), make_profile(name="杭州西湖贸易有限公司", phones=["13812345678"])
    )
    assert dedupe.is_duplicate(score) and "Same phone 138 1234 5678" in reasons


def test_cus8_a_shared_hotline_alone_is_not_a_match():
    score, reasons = score_pair(
        make_profile(name="杭州西湖贸易有限公司", phones=["400-820-8820"]),
        make_profile(name="杭州西湖贸易有限公司宁波分公司", phones=["4008208820"]),
    )
    assert not dedupe.is_duplicate(score) and "Same service hotline 400 820 8820" in reasons


def test_cus8_one_mobile_on_two_different_shops_is_not_enough():
    first = make_profile(name="张记五金店", phones=["13812345678"], address="浙江省杭州市西湖区文三路1号")
    second = make_profile(name="恒达建材有限公司", phones=["13812345678"], address="浙江省杭州市西湖区文三路99号")
    assert not dedupe.is_duplicate(score_pair(first, second)[0])


# --- Through the database -----------------------------------------------------------------------------


def test_cus8_find_duplicates_returns_score_and_reasons_best_first(organization, admin_user):
    exact = stored(organization, admin_user, name="杭州西湖贸易有限公司", phone="13812345678")
    variant = stored(organization, admin_user, name="西湖贸易（杭州）")
    stored(organization, admin_user, name="苏州西湖贸易有限公司")
    matches = find_duplicates_as_system(org_id=organization.pk, name="杭州西湖贸易有限公司", phone="138 1234 5678")
    assert [match.id for match in matches] == [exact.pk, variant.pk]
    assert matches[0].score > matches[1].score >= dedupe.DUPLICATE_THRESHOLD
    assert matches[0].type == "customer" and matches[0].name == "杭州西湖贸易有限公司"
    assert "Same phone 138 1234 5678" in matches[0].reasons
    assert any("≈" in reason for reason in matches[1].reasons)


def test_cus8_code_and_phone_candidates_come_from_the_database(organization, admin_user):
    code = valid_uscc()
    by_code = stored(organization, admin_user, name="湖畔商贸有限公司", unified_social_credit_code=code)
    by_phone = stored(organization, admin_user, name="阿里五金店", mobile="13912345678")
    assert [m.id for m in find_duplicates_as_system(org_id=organization.pk, unified_social_credit_code=code)] == [
        by_code.pk
    ]
    assert [m.id for m in find_duplicates_as_system(org_id=organization.pk, phone="139-1234-5678")] == [by_phone.pk]


def test_cus8_exclude_limit_types_and_deleted(organization, admin_user):
    first = stored(organization, admin_user, name="杭州西湖贸易有限公司")
    second = stored(organization, admin_user, name="西湖贸易")
    assert {m.id for m in find_duplicates_as_system(org_id=organization.pk, name="西湖贸易")} == {first.pk, second.pk}
    assert [
        m.id
        for m in find_duplicates_as_system(org_id=organization.pk, name="西湖贸易", exclude=[("customer", first.pk)])
    ] == [second.pk]
    assert len(find_duplicates_as_system(org_id=organization.pk, name="西湖贸易", limit=1)) == 1
    assert find_duplicates_as_system(org_id=organization.pk, name="西湖贸易", types=("lead",)) == []
    Customer.objects.filter(pk=second.pk).update(deleted_at="2026-01-01T00:00:00Z")
    assert [m.id for m in find_duplicates_as_system(org_id=organization.pk, name="西湖贸易")] == [first.pk]


def test_cus8_never_crosses_organizations(organization, other_organization, admin_user):
    stored(organization, admin_user, name="杭州西湖贸易有限公司", phone="13812345678")
    assert (
        find_duplicates_as_system(org_id=other_organization.pk, name="杭州西湖贸易有限公司", phone="13812345678") == []
    )


def test_cus8_leads_are_matched_too(organization, admin_user):
    lead = Lead(org=organization, owner=admin_user, name="王伟", company="杭州西湖贸易有限公司", phone="13812345678")
    from qiao.customers.leads import prepare_lead

    prepare_lead(lead)
    lead.save()
    matches = find_duplicates_as_system(org_id=organization.pk, name="西湖贸易（杭州）", types=("customer", "lead"))
    assert [(m.type, m.id) for m in matches] == [("lead", lead.pk)]
    assert "王伟" in matches[0].name


def test_cus8_batch_matches_the_database_and_earlier_rows_in_few_queries(organization, admin_user):
    existing = stored(organization, admin_user, name="杭州西湖贸易有限公司", phone="13812345678")
    rows = [
        {"name": "西湖贸易（杭州）有限公司"},
        {"name": "宁波恒达五金有限公司", "phone": "139 0000 1111"},  # written forms, as prepared for saving
        {"name": "恒达五金（宁波）", "mobile": "139 0000 1111"},
        {"name": "苏州恒达五金有限公司"},
    ] + [{"name": f"温州第{number}号五金店"} for number in range(200)]
    with CaptureQueriesContext(connection) as queries:
        results = match_many_as_system(org_id=organization.pk, rows=rows)
    assert len(queries) <= 4  # one look-up per kind of key, not one per row
    assert [(m.type, m.id) for m in results[0]] == [("customer", existing.pk)]
    assert results[1] == []
    assert [(m.type, m.id) for m in results[2]] == [("row", 1)]
    assert results[3] == [] and all(result == [] for result in results[4:])


def test_cus8_batch_chunks_large_key_sets(organization, admin_user, monkeypatch):
    monkeypatch.setattr("qiao.customers.dedupe.candidates.LOOKUP_CHUNK", 10)
    existing = stored(organization, admin_user, name="杭州西湖贸易有限公司")
    rows = [{"name": f"杭州第{number}号贸易有限公司"} for number in range(35)] + [{"name": "西湖贸易"}]
    results = match_many_as_system(org_id=organization.pk, rows=rows)
    assert [(m.type, m.id) for m in results[-1]] == [("customer", existing.pk)]


def test_cus8_batch_with_thousands_of_phones_reads_the_phone_columns_once(organization, admin_user, monkeypatch):
    monkeypatch.setattr("qiao.customers.dedupe.candidates.PHONE_SCAN_ABOVE", 3)
    existing = stored(organization, admin_user, name="阿里五金店", mobile="13912345678")
    # Rows as the import prepares them: phones in their written form.
    rows = [{"name": "", "phone": f"139 0000 {number:04d}"} for number in range(5)] + [{"phone": "139 1234 5678"}]
    results = match_many_as_system(org_id=organization.pk, rows=rows)
    assert [(m.type, m.id) for m in results[-1]] == [("customer", existing.pk)]


def test_cus8_stored_name_key_is_the_normalized_name(organization, admin_user):
    customer = stored(organization, admin_user, name="浙江杭州西湖貿易有限公司（寧波分公司）")
    assert customer.name_key == "西湖贸易#宁波"


# --- The whole-database scan ------------------------------------------------------------------------


def test_cus8_scan_lists_clusters_for_review(organization, admin_user):
    a = stored(organization, admin_user, name="杭州西湖贸易有限公司", phone="13812345678")
    b = stored(organization, admin_user, name="西湖贸易（杭州）")
    c = stored(organization, admin_user, name="湖畔商贸", phone="138-1234-5678", address="杭州市西湖区文三路90号")
    stored(organization, admin_user, name="苏州西湖贸易有限公司")
    stored(organization, admin_user, name="杭州西湖贸易有限公司宁波分公司")
    d = stored(organization, admin_user, name="宁波恒达五金有限公司", unified_social_credit_code=valid_uscc())
    e = stored(organization, admin_user, name="宁波恒达五金", unified_social_credit_code=valid_uscc())
    clusters = duplicate_clusters_as_system(organization.pk)
    assert sorted(cluster.ids for cluster in clusters) == sorted([[a.pk, b.pk], [d.pk, e.pk]])
    assert all(cluster.score >= dedupe.DUPLICATE_THRESHOLD and cluster.pairs for cluster in clusters)
    assert c.pk not in {pk for cluster in clusters for pk in cluster.ids}  # same phone, another name: not enough


def test_cus8_scan_compares_large_blocks_within_each_city(organization, admin_user, monkeypatch):
    monkeypatch.setattr("qiao.customers.dedupe.clusters.BLOCK_LIMIT", 3)
    for city in ("苏州", "宁波", "温州", "南京"):
        stored(organization, admin_user, name=f"{city}西湖贸易有限公司")
    twin = stored(organization, admin_user, name="西湖贸易（温州）有限公司")
    clusters = duplicate_clusters_as_system(organization.pk)
    assert len(clusters) == 1 and twin.pk in clusters[0].ids


# --- Showing matches (PERM-3) ---------------------------------------------------------------------


def test_cus8_matches_for_user_redacts_what_the_user_cannot_see(organization, admin_user):
    own = role(organization, "本人", view="owner", edit="owner")
    viewer = employee(organization, "销售部", own, full_name="李雷")
    other = employee(organization, "客服部", own, full_name="韩梅梅")
    mine = stored(organization, viewer, name="杭州西湖贸易有限公司")
    theirs = stored(organization, other, name="西湖贸易（杭州）", phone="13812345678")
    matches = find_duplicates_as_system(org_id=organization.pk, name="杭州西湖贸易")
    shown = matches_for_user(viewer, matches)
    by_visibility = {entry["visible"]: entry for entry in shown}
    assert by_visibility[True]["id"] == mine.pk and by_visibility[True]["name"] == mine.name
    hidden = by_visibility[False]
    assert hidden["id"] is None and hidden["name"] == "" and hidden["owner"] == "韩梅梅"
    assert all(theirs.name not in reason and "138" not in reason for reason in hidden["reasons"])


def test_duplicate_match_is_the_agreed_interface():
    match = DuplicateMatch("customer", 1, "杭州西湖贸易有限公司", 0.97, ["Same phone 138 1234 5678"])
    assert (match.type, match.id, match.name, match.score, match.reasons)[:4] == ("customer", 1, match.name, 0.97)


def test_cus8_rekey_brings_stored_keys_up_to_the_current_rules(organization, admin_user):
    customer = stored(organization, admin_user, name="杭州西湖贸易有限公司宁波分公司")
    Customer.objects.filter(pk=customer.pk).update(name_key="杭州西湖贸易有限公司宁波分")  # an older rule's key
    assert find_duplicates_as_system(org_id=organization.pk, name="西湖贸易（杭州）宁波分公司") == []
    assert dedupe.rekey_as_system(organization.pk) == 1
    assert Customer.objects.get(pk=customer.pk).name_key == "西湖贸易#宁波"
    assert [m.id for m in find_duplicates_as_system(org_id=organization.pk, name="西湖贸易（杭州）宁波分公司")] == [
        customer.pk
    ]
    assert dedupe.rekey_as_system(organization.pk) == 0
