"""Leads: LEAD-1 (sources, statuses, follow-up cadence, conversion without retyping), LEAD-2 (hot
leads on the owner's work focus) and LEAD-3 (referral chains and rewards), each also for a user who
may not see the lead."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from qiao.activities.services import activity_create
from qiao.core import services as core_services
from qiao.core.forms import error_codes
from qiao.customers import leads
from qiao.customers.models import Contact, Customer, Lead, LeadStatus, ReferralReward
from qiao.customers.pool import customer_settings
from qiao.customers.services import prepare_customer
from tests.conftest import api_client_for
from tests.permissions_helpers import customer, employee, role


@pytest.fixture
def world(organization):
    rep = role(
        organization,
        "代表",
        view="owner_department",
        edit="owner",
        delete="owner",
        activity={"view": "owner_department", "edit": "owner", "delete": "owner"},
    )
    nothing = role(organization, "无", view="none", activity={"view": "none"})
    return {
        "organization": organization,
        "owner": employee(organization, "销售部", rep, full_name="李娜"),
        "colleague": employee(organization, "销售部", rep, full_name="张伟"),
        "outsider": employee(organization, "客服部", nothing, full_name="赵敏"),
    }


def known_customer(organization, **fields):
    """A customer as the services store it, with the keys the duplicate check looks up."""
    record = customer(organization, **fields)
    prepare_customer(record)
    record.save()
    return record


def new_lead(owner, **data):
    data.setdefault("name", "王建华")
    return core_services.main_object_create(actor=owner, model=Lead, data=data)


def fresh(lead):
    return Lead.objects.get(pk=lead.pk)


# --- LEAD-1: the record ------------------------------------------------------------------------------


def test_lead1_a_lead_is_normalized_like_a_customer(world):
    lead = new_lead(
        world["owner"],
        name="  王   建华 ",
        company="杭州西湖贸易有限公司",
        phone="13812345678",
        address="浙江省杭州市西湖区文三路100号",
        source="trade_show",
    )
    assert lead.name == "王 建华"
    assert lead.phone == "138 1234 5678" and lead.phone_digits == "13812345678"
    assert (lead.province, lead.city, lead.district) == ("浙江省", "杭州市", "西湖区")
    assert "hzxh" in lead.name_initials and "hangzhouxihu" in lead.name_pinyin
    assert lead.name_key and lead.owner == world["owner"] and lead.owner_department.name == "销售部"
    assert lead.status == LeadStatus.NEW and lead.next_follow_up_at == timezone.localdate()  # a new lead is due


def test_lead1_a_bad_phone_or_source_is_named_in_the_api(world):
    api = api_client_for(world["owner"])
    response = api.post("/api/v1/leads/", {"name": "陈晓燕", "phone": "12345"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "phone" in response.json()
    response = api.post("/api/v1/leads/", {"name": "陈晓燕", "source": "carrier_pigeon"})
    assert response.status_code == 400 and "source" in response.json()
    assert not Lead.objects.filter(name="陈晓燕").exists()


def test_lead1_api_choice_codes_come_with_display_labels(world):
    lead = new_lead(world["owner"], source="trade_show")
    data = api_client_for(world["owner"]).get(f"/api/v1/leads/{lead.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (data["source"], data["source_display"]) == ("trade_show", "Trade show")
    assert (data["status"], data["status_display"]) == ("new", "New")


def test_lead1_every_source_of_the_spec_is_a_choice():
    assert set(Lead._meta.get_field("source").choices) >= {
        (code, label)
        for code, label in Lead._meta.get_field("source").choices
        if code
        in {
            "acquaintance",
            "referral",
            "company_list",
            "association",
            "trade_show",
            "phone",
            "media",
            "internet",
            "walk_in",
            "handover",
            "other",
        }
    }
    assert {code for code, _label in Lead._meta.get_field("source").choices} == {
        "acquaintance",
        "referral",
        "company_list",
        "association",
        "trade_show",
        "phone",
        "media",
        "internet",
        "walk_in",
        "handover",
        "other",
    }


def test_lead1_status_changes_follow_the_allowed_paths(world):
    owner = world["owner"]
    lead = new_lead(owner, follow_up_days=5)
    lead = leads.lead_change_status(actor=owner, lead=lead, status="contacted")
    assert lead.status == "contacted" and lead.last_contacted_at is not None
    assert lead.next_follow_up_at == timezone.localdate() + timedelta(days=5)
    lead = leads.lead_change_status(actor=owner, lead=lead, status="qualified")
    lead = leads.lead_change_status(actor=owner, lead=lead, status="hot")
    assert fresh(lead).status == "hot"
    lead = leads.lead_change_status(actor=owner, lead=lead, status="disqualified", reason="暂无采购需求")
    assert fresh(lead).disqualified_reason == "暂无采购需求" and fresh(lead).next_follow_up_at is None
    lead = leads.lead_change_status(actor=owner, lead=lead, status="contacted")  # reopened
    assert fresh(lead).status == "contacted" and fresh(lead).disqualified_reason == ""


@pytest.mark.parametrize(
    ("path", "target", "code"),
    [
        (["contacted"], "new", "lead_status_change"),
        ([], "converted", "lead_status_change"),
        (["hot"], "contacted", "lead_status_change"),
        (["disqualified"], "hot", "lead_status_change"),
        ([], "disqualified", "lead_reason_required"),  # no reason
        ([], "won", "lead_status_change"),
    ],
)
def test_lead1_refused_status_changes_say_why_and_change_nothing(world, path, target, code):
    owner = world["owner"]
    lead = new_lead(owner)
    for status in path:
        lead = leads.lead_change_status(actor=owner, lead=lead, status=status, reason="不需要")
    before = fresh(lead)
    with pytest.raises(ValidationError) as refused:
        leads.lead_change_status(actor=owner, lead=lead, status=target)
    assert code in error_codes(refused.value)
    assert fresh(lead).status == before.status and fresh(lead).version == before.version


def test_lead1_status_buttons_on_the_page_and_the_api(world, client):
    owner = world["owner"]
    lead = new_lead(owner)
    client.force_login(owner)
    page = client.get(reverse("customers:leads:detail", args=[lead.pk])).content.decode()
    assert 'data-status="hot"' in page and "data-disqualify" in page
    response = client.post(
        reverse("customers:leads:status", args=[lead.pk]), {"status": "hot", "version": lead.version}, follow=True
    )
    assert fresh(lead).status == "hot" and response.status_code == 200
    response = client.post(
        reverse("customers:leads:status", args=[lead.pk]), {"status": "new"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert fresh(lead).status == "hot" and "cannot become" in response.content.decode()
    api = api_client_for(owner)
    response = api.post(f"/api/v1/leads/{lead.pk}/status/", {"status": "disqualified"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "reason" in response.json()
    response = api.post(f"/api/v1/leads/{lead.pk}/status/", {"status": "qualified", "version": 1})
    assert response.status_code == 409  # stale version (NFR-2)
    response = api.post(
        f"/api/v1/leads/{lead.pk}/status/",
        {"status": "disqualified", "reason": "已有供应商", "version": fresh(lead).version},
    )
    assert response.status_code == 200 and response.json()["status"] == "disqualified"


def test_lead1_follow_up_cadence_and_overdue_leads(world, client):
    owner = world["owner"]
    late = new_lead(owner, name="逾期客户", follow_up_days=7)
    Lead.objects.filter(pk=late.pk).update(last_contacted_at=timezone.now() - timedelta(days=10), status="contacted")
    late = fresh(late)
    late.next_follow_up_at = None
    leads.prepare_lead(late)  # the cadence: last contact + 7 days, three days ago
    assert late.next_follow_up_at == timezone.localdate() - timedelta(days=3)
    Lead.objects.filter(pk=late.pk).update(next_follow_up_at=late.next_follow_up_at)
    on_time = new_lead(owner, name="按时客户", next_follow_up_at=timezone.localdate() + timedelta(days=2))
    assert leads.is_overdue(fresh(late)) and not leads.is_overdue(on_time)
    client.force_login(owner)
    page = client.get(reverse("customers:leads:list"), {"follow_up": "overdue"}).content.decode()
    assert "逾期客户" in page and "按时客户" not in page
    assert 'class="text-danger fw-bold"' in page
    assert "data-overdue" in client.get(reverse("customers:leads:detail", args=[late.pk])).content.decode()
    assert api_client_for(owner).get(f"/api/v1/leads/{late.pk}/").json()["overdue"] is True


def test_lead1_a_logged_call_is_a_contact_and_moves_the_next_follow_up(world):
    owner = world["owner"]
    lead = new_lead(owner, follow_up_days=3)
    activity_create(actor=owner, subject=lead, kind="task", notes="下周打电话")
    assert fresh(lead).status == "new" and fresh(lead).last_contacted_at is None  # a plan is no contact
    called = timezone.now() - timedelta(hours=1)
    activity_create(actor=owner, subject=lead, kind="call", notes="电话沟通，有兴趣", starts_at=called)
    lead = fresh(lead)
    assert lead.status == "contacted" and lead.last_contacted_at == called
    assert lead.next_follow_up_at == timezone.localdate(called) + timedelta(days=3)


def test_lead1_search_by_pinyin_initials_and_phone_digits(world, client):
    owner = world["owner"]
    new_lead(owner, name="刘强", company="杭州西湖贸易", phone="13812345678")
    new_lead(owner, name="孙丽", company="广州天河商行", phone="13900009999")
    client.force_login(owner)
    for query in ("hzxh", "1381234", "西湖"):
        page = client.get(reverse("customers:leads:list"), {"q": query}).content.decode()
        assert "刘强" in page and "孙丽" not in page, query
    assert [row["name"] for row in api_client_for(owner).get("/api/v1/leads/?search=gzth").json()["results"]] == [
        "孙丽"
    ]


def test_lead1_list_filters_by_status_and_source(world, client):
    owner = world["owner"]
    new_lead(owner, name="展会线索", source="trade_show")
    hot = new_lead(owner, name="热点线索", source="phone")
    leads.lead_change_status(actor=owner, lead=hot, status="hot")
    client.force_login(owner)
    # The names are looked for in the results table only: the filter's own labels (我的热点线索…) are
    # on the page too.
    page = client.get(reverse("customers:leads:list"), {"status": "hot"}).content.decode()
    results = page[page.index('id="record-results"') :]
    assert "热点线索" in results and "展会线索" not in results
    page = client.get(reverse("customers:leads:list"), {"source": "trade_show"}).content.decode()
    results = page[page.index('id="record-results"') :]
    assert "展会线索" in results and "热点线索" not in results
    rows = api_client_for(owner).get("/api/v1/leads/?status=hot").json()["results"]
    assert [row["name"] for row in rows] == ["热点线索"]


# --- LEAD-1: conversion ------------------------------------------------------------------------------


def test_lead1_conversion_creates_the_customer_and_primary_contact_without_retyping(world):
    owner = world["owner"]
    lead = new_lead(
        owner,
        name="王建华",
        title="采购经理",
        company="宁波鲜丰水果超市有限公司",
        phone="13812345678",
        email="wang@xianfeng.cn",
        wechat="wjh888",
        address="浙江省宁波市海曙区中山西路88号",
        source="trade_show",
        notes="对进口水果感兴趣",
    )
    conversion = leads.lead_convert(actor=owner, lead=lead)
    customer = Customer.objects.get(pk=conversion.customer.pk)
    assert customer.name == "宁波鲜丰水果超市有限公司" and customer.phone == "138 1234 5678"
    assert (customer.email, customer.wechat, customer.source) == ("wang@xianfeng.cn", "wjh888", "trade_show")
    assert (customer.province, customer.city, customer.district) == ("浙江省", "宁波市", "海曙区")
    assert customer.owner == owner and customer.owner_department == lead.owner_department
    assert customer.notes == "对进口水果感兴趣" and customer.name_key  # prepare_customer ran
    assert customer.last_deal_at is not None  # the conversion counts as the sale (LEAD-3)
    contact = Contact.objects.get(customer=customer)
    assert (contact.name, contact.title, contact.phone, contact.is_primary) == (
        "王建华",
        "采购经理",
        "138 1234 5678",
        True,
    )
    lead = fresh(lead)
    assert lead.status == "converted" and lead.converted_customer == customer and lead.converted_at


def test_lead1_a_converted_lead_cannot_convert_again(world, client):
    owner = world["owner"]
    lead = new_lead(owner, company="无锡恒通商贸")
    leads.lead_convert(actor=owner, lead=lead)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        leads.lead_convert(actor=owner, lead=fresh(lead))
    assert "lead_converted" in error_codes(refused.value)
    assert "cannot be converted again" in " ".join(refused.value.messages)
    assert Customer.objects.filter(name="无锡恒通商贸").count() == 1
    client.force_login(owner)
    response = client.get(reverse("customers:leads:convert", args=[lead.pk]), follow=True)
    assert response.redirect_chain and Customer.objects.filter(name="无锡恒通商贸").count() == 1
    response = api_client_for(owner).post(f"/api/v1/leads/{lead.pk}/convert/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "cannot be converted again" in response.json()["status"][0]
    with pytest.raises(ValidationError):
        leads.lead_change_status(actor=owner, lead=fresh(lead), status="hot")


def test_lead1_a_disqualified_lead_must_be_reopened_before_converting(world):
    owner = world["owner"]
    lead = leads.lead_change_status(actor=owner, lead=new_lead(owner), status="disqualified", reason="无需求")
    with pytest.raises(ValidationError) as refused:
        leads.lead_convert(actor=owner, lead=lead)
    assert "lead_status_change" in error_codes(refused.value) and not Customer.objects.exists()


def test_lead1_conversion_checks_duplicates_first_and_offers_linking(world, client):
    owner = world["owner"]
    existing = known_customer(world["organization"], name="苏州惠万家便利店", owner=owner, phone="0512 6666 8888")
    lead = new_lead(owner, name="周秀英", company="苏州惠万家便利店", phone="13912345678")
    with pytest.raises(ValidationError) as refused:
        leads.lead_convert(actor=owner, lead=lead)
    assert "duplicate" in error_codes(refused.value)
    assert Customer.objects.count() == 1 and fresh(lead).status == "new"  # nothing half-written
    client.force_login(owner)
    page = client.get(reverse("customers:leads:convert", args=[lead.pk])).content.decode()
    assert f'name="target" value="{existing.pk}"' in page and "苏州惠万家便利店" in page
    response = client.post(
        reverse("customers:leads:convert", args=[lead.pk]),
        {
            "customer_name": "苏州惠万家便利店",
            "contact_name": "周秀英",
            "contact_phone": "13912345678",
            "target": str(existing.pk),
            "version": fresh(lead).version,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("customers:detail", args=[existing.pk])
    assert Customer.objects.count() == 1
    assert fresh(lead).converted_customer == existing
    assert existing.contacts.get().name == "周秀英" and existing.contacts.get().is_primary
    assert Customer.objects.get(pk=existing.pk).last_deal_at is not None


def test_lead1_a_different_company_is_created_after_confirming(world, client):
    owner = world["owner"]
    known_customer(world["organization"], name="苏州惠万家便利店", owner=owner)
    lead = new_lead(owner, name="周秀英", company="苏州惠万家便利店")
    client.force_login(owner)
    data = {"customer_name": "苏州惠万家便利店（园区店）", "contact_name": "周秀英", "version": fresh(lead).version}
    page = client.post(reverse("customers:leads:convert", args=[lead.pk]), data).content.decode()
    assert Customer.objects.count() == 1 and "is-invalid" not in page and "alert-danger" in page
    response = client.post(reverse("customers:leads:convert", args=[lead.pk]), {**data, "ignore_duplicates": "on"})
    assert response.status_code == 302 and Customer.objects.filter(name="苏州惠万家便利店（园区店）").exists()


def test_lead1_duplicates_the_user_cannot_see_are_reported_without_their_data(world, client):
    stranger = employee(
        world["organization"], "客服部", role(world["organization"], "客服", view="owner", edit="owner")
    )
    known_customer(
        world["organization"], name="南京金穗食品有限公司", owner=stranger, phone="13700001234", notes="SECRET"
    )
    lead = new_lead(world["owner"], name="何勇", company="南京金穗食品有限公司")
    client.force_login(world["owner"])
    page = client.get(reverse("customers:leads:convert", args=[lead.pk])).content.decode()
    assert stranger.full_name in page  # whom to ask
    assert "13700001234" not in page and "SECRET" not in page and 'data-action="link"' not in page
    api = api_client_for(world["owner"])
    response = api.post(f"/api/v1/leads/{lead.pk}/convert/", {})
    assert response.status_code == 400 and response.json()["matches"][0]["id"] is None


def test_lead1_conversion_is_all_or_nothing(world):
    owner = world["owner"]
    lead = new_lead(owner, company="常州瑞丰便利店")
    with pytest.raises(ValidationError):
        leads.lead_convert(actor=owner, lead=lead, contact_data={"phone": "not a phone"})
    assert not Customer.objects.exists() and not Contact.objects.exists() and fresh(lead).status == "new"


def test_lead1_later_modules_extend_the_conversion_inside_its_transaction(world, monkeypatch):
    owner = world["owner"]
    monkeypatch.setattr("qiao.customers.leads.conversion._conversion_steps", [])

    def opportunity_step(*, actor, conversion, options):
        conversion.extras["opportunity"] = (conversion.customer.name, options.get("amount"))

    leads.register_conversion_step(opportunity_step)
    conversion = leads.lead_convert(actor=owner, lead=new_lead(owner, company="佛山金穗食品"), options={"amount": 5})
    assert conversion.extras == {"opportunity": ("佛山金穗食品", 5)}

    def failing_step(*, actor, conversion, options):
        raise ValidationError("no opportunity")

    leads.register_conversion_step(failing_step)
    lead = new_lead(owner, company="东莞百佳超市")
    with pytest.raises(ValidationError):
        leads.lead_convert(actor=owner, lead=lead)
    assert not Customer.objects.filter(name="东莞百佳超市").exists() and fresh(lead).status == "new"


def _full_lead(owner, **data):
    """A lead that says all six facts of an opportunity registration (OPP-1)."""
    return new_lead(
        owner,
        **{
            "name": "陈志强",
            "company": "温州瓯江五金有限公司",
            "phone": "13857712345",
            "source": "referral",
            "address": "浙江省温州市鹿城区人民路18号",
            "notes": "想给八家门店换收银系统",
            **data,
        },
    )


def test_lead3_converting_can_also_register_the_opportunity_without_retyping(world):
    from qiao.sales.models import Opportunity

    owner = world["owner"]
    conversion = leads.lead_convert(actor=owner, lead=_full_lead(owner), options={"register_opportunity": True})
    opportunity = conversion.extras["opportunity"]
    assert Opportunity.objects.get() == opportunity and opportunity.status == "submitted"  # waits for review
    assert (opportunity.customer_name, opportunity.contact_name, opportunity.phone, opportunity.source) == (
        "温州瓯江五金有限公司",
        "陈志强",
        "138 5771 2345",
        "referral",
    )
    assert opportunity.region == "浙江省温州市鹿城区" and opportunity.description == "想给八家门店换收银系统"
    assert opportunity.customer == conversion.customer and list(opportunity.contacts.all()) == [conversion.contact]
    assert opportunity.owner == owner and opportunity.owner_department == owner.department
    assert conversion.extras["messages"]
    plain = leads.lead_convert(actor=owner, lead=_full_lead(owner, company="丽水青瓷商行", phone="13857700000"))
    assert "opportunity" not in plain.extras and Opportunity.objects.count() == 1  # only when asked


def test_lead3_the_conversion_page_offers_the_opportunity_and_names_missing_facts(world, client):
    from qiao.sales.models import Opportunity

    owner = world["owner"]
    client.force_login(owner)
    lacking = _full_lead(owner, company="台州海门渔具店", phone="13857799999", address="", notes="")
    url = reverse("customers:leads:convert", args=[lacking.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="register_opportunity"' in page and "Also register an opportunity" in page
    form = {"customer_name": "台州海门渔具店", "contact_name": "陈志强", "version": lacking.version}
    refused = client.post(url, {**form, "register_opportunity": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    text = refused.content.decode()
    assert 'data-option-errors="register_opportunity"' in text
    assert "the region (the lead&#x27;s province and city, or its address)" in text
    assert "the description (the lead&#x27;s notes)" in text and "the phone" not in text
    # All or nothing: the conversion was undone with the registration.
    assert not Customer.objects.exists() and fresh(lacking).status == "new" and not Opportunity.objects.exists()

    lead = _full_lead(owner)
    done = client.post(
        reverse("customers:leads:convert", args=[lead.pk]),
        {
            "customer_name": "温州瓯江五金有限公司",
            "contact_name": "陈志强",
            "version": lead.version,
            "register_opportunity": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert done.status_code == 302
    opportunity = Opportunity.objects.get()
    assert opportunity.customer == fresh(lead).converted_customer and opportunity.status == "submitted"
    shown = client.get(done["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "is registered and waits for review" in shown


def test_lead3_the_api_conversion_can_also_register_the_opportunity(world):
    from qiao.sales.models import Opportunity

    owner = world["owner"]
    api = api_client_for(owner)
    lead = _full_lead(owner)
    url = f"/api/v1/leads/{lead.pk}/convert/"
    unknown = api.post(url, {"options": {"send_flowers": True}}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 400 and "send_flowers" in unknown.json()["options"][0]
    assert not Customer.objects.exists()
    done = api.post(url, {"options": {"register_opportunity": True}}, format="json")
    assert done.status_code == 201, done.json()
    opportunity = Opportunity.objects.get()
    assert done.json()["created"] == {"opportunity": opportunity.pk} and done.json()["messages"]
    assert opportunity.customer_id == done.json()["customer"] and opportunity.status == "submitted"


def test_lead3_the_opportunity_option_is_only_for_those_who_may_register(world, client):
    viewer_role = role(world["organization"], "只看线索", view="owner", edit="owner", types=["lead", "customer"])
    clerk = employee(world["organization"], "销售部", viewer_role, full_name="孙丽")
    lead = new_lead(clerk, company="嘉兴南湖茶庄")
    client.force_login(clerk)
    page = client.get(reverse("customers:leads:convert", args=[lead.pk])).content.decode()
    assert 'id="convert-form"' in page and 'name="register_opportunity"' not in page


# --- LEAD-2: hot leads on the work focus list ---------------------------------------------------------


def test_lead2_a_hot_lead_is_on_its_owners_workbench_and_focus_list(world, client):
    owner, colleague = world["owner"], world["colleague"]
    lead = leads.lead_change_status(actor=owner, lead=new_lead(owner, name="热点王老板"), status="hot")
    new_lead(owner, name="普通线索")
    client.force_login(owner)
    workbench = client.get(reverse("workbench")).content.decode()
    widget = workbench[workbench.index('data-widget="hot-leads"') :]
    assert "热点王老板" in widget and "普通线索" not in widget
    page = client.get(reverse("customers:leads:list"), {"follow_up": "focus"}).content.decode()
    assert "热点王老板" in page and "普通线索" not in page
    client.force_login(colleague)  # sees the lead (same department) but it is not their focus
    assert "热点王老板" not in client.get(reverse("workbench")).content.decode()
    assert "热点王老板" not in client.get(reverse("customers:leads:list"), {"follow_up": "focus"}).content.decode()
    leads.lead_change_status(actor=owner, lead=fresh(lead), status="disqualified", reason="预算取消")
    client.force_login(owner)
    assert "热点王老板" not in client.get(reverse("workbench")).content.decode()


# --- LEAD-3: referrals and rewards -------------------------------------------------------------------


def test_lead3_a_referred_lead_that_converts_makes_the_reward_due(world):
    owner = world["owner"]
    introducer = customer(world["organization"], name="上海华联超市", owner=owner)
    lead = new_lead(owner, company="上海嘉禾便利店", source="referral", referred_by_customer=introducer)
    conversion = leads.lead_convert(actor=owner, lead=lead)
    reward = conversion.reward
    assert reward.status == "due" and reward.kind == "money" and reward.amount == 200  # the default
    assert reward.introducer_customer == introducer and reward.introducer_name == "上海华联超市"
    settings = customer_settings(world["organization"].pk)
    settings.referral_reward_kind, settings.referral_reward_gift = "gift", "新品礼盒一份"
    settings.save()
    named = new_lead(owner, company="上海四季超市", referred_by_name="老朋友陈先生")
    reward = leads.lead_convert(actor=owner, lead=named).reward
    assert (reward.kind, reward.gift, reward.amount, reward.introducer_name) == (
        "gift",
        "新品礼盒一份",
        None,
        "老朋友陈先生",
    )
    assert leads.lead_convert(actor=owner, lead=new_lead(owner, company="上海优品")).reward is None


def test_lead3_rewards_page_lists_due_and_paid_and_records_who_paid_when(world, client):
    owner = world["owner"]
    introducer = customer(world["organization"], name="杭州百佳超市", owner=owner)
    lead = new_lead(owner, company="杭州鸿运商行", referred_by_customer=introducer)
    reward = leads.lead_convert(actor=owner, lead=lead).reward
    client.force_login(owner)
    page = client.get(reverse("customers:lead_rewards")).content.decode()
    assert "杭州百佳超市" in page and 'data-action="pay"' in page
    assert "杭州百佳超市" not in client.get(reverse("customers:lead_rewards"), {"status": "paid"}).content.decode()
    client.post(reverse("customers:lead_reward_pay", args=[reward.pk]))
    reward = ReferralReward.objects.get(pk=reward.pk)
    assert reward.status == "paid" and reward.paid_by == owner and reward.paid_at is not None
    page = client.get(reverse("customers:lead_rewards"), {"status": "paid"}).content.decode()
    assert "杭州百佳超市" in page and owner.full_name in page
    with pytest.raises(ValidationError) as refused:
        leads.referral_reward_mark_paid(actor=owner, reward=reward)
    assert "referral_reward_paid" in error_codes(refused.value)
    # The colleague sees it (same department) but may not change the lead, so may not pay.
    assert api_client_for(world["colleague"]).post(f"/api/v1/referral-rewards/{reward.pk}/pay/").status_code == 403
    assert api_client_for(owner).get("/api/v1/referral-rewards/?status=paid").json()["results"][0]["status"] == "paid"


def test_lead3_the_referral_chain_shows_on_the_lead_and_on_the_introducers_page(world, client):
    owner = world["owner"]
    first = customer(world["organization"], name="南京永辉超市", owner=owner)
    middle_lead = new_lead(owner, name="吴杰", company="南京好又多超市", referred_by_customer=first)
    middle = leads.lead_convert(actor=owner, lead=middle_lead).customer
    last_lead = new_lead(owner, name="郑静", company="南京大润百货", referred_by_customer=middle)
    client.force_login(owner)
    page = client.get(reverse("customers:leads:detail", args=[last_lead.pk])).content.decode()
    chain = page[page.index("data-referral-chain") :]
    assert chain.index("南京好又多超市") < chain.index("南京永辉超市")  # introducer, then who introduced them
    middle_page = client.get(reverse("customers:detail", args=[middle.pk])).content.decode()
    panel = middle_page[middle_page.index('id="referrals-panel"') :]
    assert "郑静" in panel and "南京永辉超市" in panel  # whom it introduced, and who introduced it
    first_page = client.get(reverse("customers:detail", args=[first.pk])).content.decode()
    assert "吴杰" in first_page[first_page.index('id="referrals-panel"') :]
    assert [link.name for link in leads.referral_chain(viewer=owner, lead=last_lead)] == [
        "南京好又多超市",
        "南京永辉超市",
    ]


# --- Out of scope: nothing anywhere --------------------------------------------------------------------


def test_an_out_of_scope_user_sees_no_lead_through_any_page_api_or_widget(world, client):
    owner, outsider = world["owner"], world["outsider"]
    introducer = customer(world["organization"], name="MARK-INTRODUCER", owner=owner)
    lead = new_lead(owner, name="MARK-LEAD", company="MARK-COMPANY", referred_by_customer=introducer)
    leads.lead_change_status(actor=owner, lead=lead, status="hot")
    converted_lead = new_lead(owner, name="MARK-CONVERTED", company="MARK-CUSTOMER", referred_by_customer=introducer)
    reward = leads.lead_convert(actor=owner, lead=converted_lead).reward
    client.force_login(outsider)
    for url in (
        reverse("customers:leads:list"),
        reverse("customers:leads:list") + "?q=LEAD&follow_up=focus",
        reverse("customers:leads:list") + "?export=csv",
        reverse("customers:lead_rewards") + "?status=all",
        reverse("workbench"),
    ):
        body = client.get(url).content.decode("utf-8-sig")
        assert "MARK" not in body, url
    for name in ("detail", "edit", "delete", "convert"):
        assert client.get(reverse(f"customers:leads:{name}", args=[lead.pk])).status_code == 404
    assert client.post(reverse("customers:leads:status", args=[lead.pk]), {"status": "qualified"}).status_code == 404
    assert client.post(reverse("customers:lead_reward_pay", args=[reward.pk])).status_code == 404
    assert fresh(lead).status == "hot" and ReferralReward.objects.get(pk=reward.pk).status == "due"
    api = api_client_for(outsider)
    assert api.get("/api/v1/leads/?search=LEAD").json()["count"] == 0
    assert api.get("/api/v1/referral-rewards/").json()["count"] == 0
    for suffix in ("", "duplicates/"):
        assert api.get(f"/api/v1/leads/{lead.pk}/{suffix}").status_code == 404
    for suffix in ("status/", "convert/"):
        assert api.post(f"/api/v1/leads/{lead.pk}/{suffix}", {"status": "qualified"}).status_code == 404
    assert api.post(f"/api/v1/referral-rewards/{reward.pk}/pay/").status_code == 404
    # Someone who sees the introducing customer but not the leads: no referral on its page.
    viewer = employee(
        world["organization"], "客服部", role(world["organization"], "只看客户", view="all", types=["customer"])
    )
    client.force_login(viewer)
    page = client.get(reverse("customers:detail", args=[introducer.pk])).content.decode()
    assert "MARK-INTRODUCER" in page and "MARK-LEAD" not in page and "MARK-CONVERTED" not in page
