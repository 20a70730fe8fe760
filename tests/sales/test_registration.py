"""OPP-1 registration with its six required facts; OPP-3 duplicate registration (撞单) at
registration: against customers, leads and open opportunities, by name and by phone."""

import pytest
from django.core.exceptions import ValidationError

from qiao.core.forms import error_codes
from qiao.core.models import Notification
from qiao.core.testing import client_for
from qiao.customers.leads import prepare_lead
from qiao.customers.models import Lead
from qiao.sales import services
from qiao.sales.errors import SalesError
from qiao.sales.models import Opportunity, OpportunityClash, OpportunityStatus

from .helpers import REGISTRATION, opportunity
from .helpers import archived_customer as customer

API = "/api/v1/opportunities/"
SIX = ("customer_name", "contact_name", "phone", "source", "region", "description")
CJK = range(0x4E00, 0xA000)


def has_chinese(text: str) -> bool:
    return any(ord(character) in CJK for character in text)


def test_opp1_registration_submits_for_review(sales):
    record = services.opportunity_register(actor=sales.rep, data=dict(REGISTRATION))
    assert record.status == OpportunityStatus.SUBMITTED
    assert record.owner == sales.rep and record.owner_department == sales.rep.department
    assert record.stage.code == "target"
    assert record.phone == "139 1234 5678"  # normalized
    assert record.events.filter(kind="submitted").exists()


def test_opp1_a_draft_is_kept_until_submitted(sales):
    record = services.opportunity_register(actor=sales.rep, data=dict(REGISTRATION), submit=False)
    assert record.status == OpportunityStatus.DRAFT
    submitted = services.opportunity_submit(actor=sales.rep, opportunity=record)
    assert submitted.status == OpportunityStatus.SUBMITTED


def test_opp1_every_missing_fact_is_named_in_one_error(sales):
    with pytest.raises(ValidationError) as caught:
        services.opportunity_register(actor=sales.rep, data={"customer_name": "x", "phone": "  ", "region": ""})
    assert set(caught.value.message_dict) == {"contact_name", "phone", "source", "region", "description"}
    assert error_codes(caught.value) == {SalesError.REQUIRED}
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(("language", "chinese"), [("en", False), ("zh-hans", True)])
def test_opp1_api_missing_fields_are_one_400_in_the_request_language(sales, language, chinese):
    """Acceptance 2: one 400 naming each missing field, in the request's language."""
    response = client_for(sales.rep).post(API, {"title": "门店收银"}, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == set(SIX)
    for field in SIX:
        assert len(body[field]) == 1
        assert has_chinese(body[field][0]) == chinese
    assert body["customer_name"][0].startswith("Customer name") if not chinese else True
    assert not Opportunity.objects.exists()


def test_opp1_blank_values_count_as_missing_and_an_invalid_phone_is_named(sales):
    payload = {**REGISTRATION, "contact_name": "   ", "phone": "12345"}
    response = client_for(sales.rep).post(API, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.json()) == {"contact_name", "phone"}
    assert "not a valid phone number" in response.json()["phone"][0]


def test_opp1_api_registration_and_draft(sales):
    api = client_for(sales.rep)
    response = api.post(API, {**REGISTRATION, "amount": "120000"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["status_label"]
    for field in (
        "id",
        "customer",
        "customer_name",
        "contact_name",
        "phone",
        "source",
        "region",
        "description",
        "stage",
        "status",
        "amount",
        "expected_close_date",
        "owner",
        "owner_department",
        "related_users",
        "related_departments",
        "version",
    ):  # API-5
        assert field in body
    assert body["source"] == "trade_show" and body["source_label"]
    draft = api.post(
        API, {**REGISTRATION, "customer_name": "苏州观前百货", "phone": "13700001234", "submit": False}, format="json"
    )
    assert draft.json()["status"] == "draft"


def test_opp1_api_registration_without_an_open_stage_is_a_clear_400_not_a_500(sales):
    """API-4: a refusal of the registration service (here: the organization has no open sales stage
    left, OPP-4) answers a 400 with the service's message, never a 500."""
    from qiao.sales.models import Stage

    Stage.objects.filter(org=sales.organization).delete()
    for submit in (True, False):
        response = client_for(sales.rep).post(
            API, {**REGISTRATION, "submit": submit}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400, response.content
        (message,) = response.json()["non_field_errors"]
        assert "no “Open” sales stage" in message and "administrator sets up the stages" in message
    chinese = client_for(sales.rep).post(API, dict(REGISTRATION), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 400 and has_chinese(chinese.json()["non_field_errors"][0])
    assert not Opportunity.objects.exists()


def test_opp1_registering_for_a_customer_record_fills_its_facts(sales):
    shop = customer(sales.organization, name="南京永辉超市有限公司", owner=sales.rep, phone="025 8888 6666")
    data = {k: v for k, v in REGISTRATION.items() if k not in ("customer_name", "phone")}
    record = services.opportunity_register(actor=sales.rep, data={**data, "customer": shop})
    assert record.customer_name == "南京永辉超市有限公司" and record.phone == "025 8888 6666"
    assert record.status == OpportunityStatus.SUBMITTED  # their own customer: no clash


def test_opp1_a_customer_the_registrant_cannot_see_is_refused(sales):
    hidden = customer(sales.organization, name="广州百佳超市", owner=sales.outsider)
    with pytest.raises(ValidationError) as caught:
        services.opportunity_register(actor=sales.rep, data={**REGISTRATION, "customer": hidden})
    assert "customer" in caught.value.message_dict


# --- OPP-3 at registration ------------------------------------------------------------------------


def test_opp3_registering_another_owners_customer_fails_with_a_clash(sales):
    existing = customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.rep2)
    record = services.opportunity_register(actor=sales.rep, data=dict(REGISTRATION))
    assert record.status == OpportunityStatus.CLASH
    clash = OpportunityClash.objects.get(opportunity=record)
    assert (clash.matched_type, clash.matched_id, clash.matched_owner) == ("customer", existing.pk, sales.rep2)
    assert clash.found == "registration" and clash.reasons
    # The existing owner hears of it, linked to their own record; so do the reviewers.
    owner_note = Notification.objects.get(recipient=sales.rep2)
    assert owner_note.verb == "opportunity.clash_owner" and owner_note.target_id == existing.pk
    assert "张伟" in str(owner_note)
    assert set(Notification.objects.filter(verb="opportunity.clash").values_list("recipient", flat=True)) == {
        sales.manager.pk,
        sales.assistant.pk,
        sales.admin.pk,
    }


@pytest.mark.parametrize(
    "variant",
    [
        {"customer_name": "西湖茶叶（杭州）有限公司", "phone": "13000000001"},  # the same company, written otherwise
        {"customer_name": "杭州西湖茶叶", "phone": "+86 139-1234-5678"},  # the phone written otherwise
    ],
)
def test_opp3_matching_sees_through_spelling_and_phone_format(sales, variant):
    customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.rep2, mobile="13912345678")
    record = services.opportunity_register(actor=sales.rep, data={**REGISTRATION, **variant})
    assert record.status == OpportunityStatus.CLASH


def test_opp3_an_open_registration_of_someone_else_protects_its_customer(sales):
    first = opportunity(sales.organization, sales.rep2, status=OpportunityStatus.SUBMITTED)
    record = services.opportunity_register(actor=sales.rep, data=dict(REGISTRATION))
    assert record.status == OpportunityStatus.CLASH
    assert OpportunityClash.objects.get(opportunity=record).matched_id == first.pk


@pytest.mark.parametrize("status", [OpportunityStatus.CLASH, OpportunityStatus.LOST, OpportunityStatus.DRAFT])
def test_opp3_registrations_that_hold_nothing_do_not_protect(sales, status):
    opportunity(sales.organization, sales.rep2, status=status)
    record = services.opportunity_register(actor=sales.rep, data=dict(REGISTRATION))
    assert record.status == OpportunityStatus.SUBMITTED


def test_opp3_another_owners_lead_clashes_but_a_pool_customer_or_ones_own_does_not(sales):
    customer(sales.organization, name="杭州西湖茶叶有限公司", owner=None)  # the public pool
    customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.rep)  # their own
    assert services.opportunity_register(actor=sales.rep, data=dict(REGISTRATION)).status == OpportunityStatus.SUBMITTED
    lead = Lead(
        org=sales.organization,
        owner=sales.rep2,
        owner_department=sales.rep2.department,
        name="周先生",
        company="宁波四季超市",
        phone="13811112222",
    )
    prepare_lead(lead)
    lead.save()
    failed = services.opportunity_register(
        actor=sales.rep, data={**REGISTRATION, "customer_name": "宁波四季超市", "phone": "13811112222"}
    )
    assert failed.status == OpportunityStatus.CLASH
    assert failed.clashes.get().matched_type == "lead"


def test_opp3_a_different_company_in_another_city_is_no_clash(sales):
    customer(sales.organization, name="苏州观前百货有限公司", owner=sales.rep2, province="江苏省", city="苏州市")
    record = services.opportunity_register(
        actor=sales.rep, data={**REGISTRATION, "customer_name": "杭州观前百货有限公司", "phone": "13900009999"}
    )
    assert record.status == OpportunityStatus.SUBMITTED


def test_opp3_the_api_answers_the_clash_and_the_registrant_sees_only_the_owner_of_a_hidden_match(sales):
    customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.outsider, notes="秘密备注")
    api = client_for(sales.rep)
    response = api.post(API, dict(REGISTRATION), format="json")
    assert response.status_code == 201 and response.json()["status"] == "clash"
    clashes = api.get(f"{API}{response.json()['id']}/clashes/").json()
    assert clashes == [
        {
            "type": "customer",
            "owner": "陈客服",
            "score": clashes[0]["score"],
            "found": clashes[0]["found"],
            "found_at": clashes[0]["found_at"],
            "id": None,
            "name": "",
            "reasons": [clashes[0]["reasons"][0]],
            "visible": False,
        }
    ]
    assert "陈客服" in clashes[0]["reasons"][0] and "杭州西湖" not in str(clashes)
