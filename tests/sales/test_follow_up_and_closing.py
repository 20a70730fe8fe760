"""OPP-5 follow-up data (tracked changes of the expected signing date, competitors, contacts) and
OPP-6 closing: won needs the contract (CON-1), saved in the same transaction; lost needs a reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qiao.contracts.models import Contract
from qiao.core.forms import error_codes
from qiao.core.testing import client_for
from qiao.customers.models import Contact
from qiao.sales import services
from qiao.sales.errors import SalesError, TransitionRefused
from qiao.sales.models import Competitor, OpportunityStatus
from tests.permissions_helpers import fresh

from .helpers import archived_customer, opportunity

API = "/api/v1/opportunities/"
CONTRACT = {"number": "HT-2026-0088", "amount": Decimal("96000.00"), "sign_date": dt.date(2026, 11, 20)}


@pytest.fixture
def deal(sales):
    shop = archived_customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.rep)
    return opportunity(sales.organization, sales.rep, customer=shop, stage_code="negotiating", amount=Decimal("90000"))


def test_opp5_expected_signing_date_changes_are_kept_with_who_and_when(sales, deal, client):
    first = services.opportunity_update(
        actor=sales.rep, opportunity=deal, data={"expected_close_date": dt.date(2026, 12, 15)}
    )
    services.opportunity_update(actor=sales.rep, opportunity=first, data={"expected_close_date": dt.date(2027, 1, 20)})
    services.opportunity_update(
        actor=sales.rep, opportunity=first, data={"amount": Decimal("95000")}
    )  # not a date change
    changes = list(deal.events.filter(kind="expected_date").order_by("at", "pk"))
    assert [(c.old_date, c.new_date, c.actor) for c in changes] == [
        (None, dt.date(2026, 12, 15), sales.rep),
        (dt.date(2026, 12, 15), dt.date(2027, 1, 20), sales.rep),
    ]
    client.force_login(sales.rep)
    page = client.get(f"/opportunities/{deal.pk}/").content.decode()
    assert 'id="date-changes"' in page and "2027" in page


def test_opp5_after_approval_the_customer_stays_except_for_an_administrator(sales, deal):
    with pytest.raises(ValidationError) as caught:
        services.opportunity_update(actor=sales.rep, opportunity=deal, data={"customer_name": "别的公司"})
    assert error_codes(caught.value) == {SalesError.REGISTRATION_LOCKED}
    changed = services.opportunity_update(actor=sales.admin, opportunity=deal, data={"customer_name": "西湖茶叶总店"})
    assert changed.customer_name == "西湖茶叶总店"


def test_opp5_contacts_must_be_the_customers(sales, deal):
    own = Contact.objects.create(org=sales.organization, customer=deal.customer, name="周先生")
    other = archived_customer(sales.organization, name="宁波四季超市", owner=sales.rep)
    stranger = Contact.objects.create(org=sales.organization, customer=other, name="钱女士")
    updated = services.opportunity_update(actor=sales.rep, opportunity=deal, data={"contacts": [own]})
    assert list(updated.contacts.all()) == [own]
    with pytest.raises(ValidationError) as caught:
        services.opportunity_update(actor=sales.rep, opportunity=updated, data={"contacts": [stranger]})
    assert error_codes(caught.value) == {SalesError.CONTACT_NOT_OF_CUSTOMER}


def test_opp5_follow_up_fields_through_the_api(sales, deal):
    api = client_for(sales.rep)
    response = api.patch(
        f"{API}{deal.pk}/",
        {
            "samples": "已寄样品 3 箱",
            "project_summary": "分两期上线",
            "expected_close_date": "2026-12-31",
            "version": 1,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    stale = api.patch(f"{API}{deal.pk}/", {"amount": "1", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    events = api.get(f"{API}{deal.pk}/events/").json()
    assert events[0]["kind"] == "expected_date" and events[0]["new_date"] == "2026-12-31"


def test_opp5_competitors_with_strengths_and_weaknesses(sales, deal):
    competitor = services.competitor_save(
        actor=sales.rep, opportunity=deal, data={"name": "友商甲", "strengths": "价格低", "weaknesses": "服务差"}
    )
    assert competitor.created_by == sales.rep
    api = client_for(sales.rep)
    listed = api.get(f"/api/v1/competitors/?opportunity={deal.pk}").json()["results"]
    assert [row["name"] for row in listed] == ["友商甲"]
    created = api.post("/api/v1/competitors/", {"opportunity": deal.pk, "name": "友商乙"}, format="json")
    assert created.status_code == 201
    assert client_for(sales.outsider).get("/api/v1/competitors/").json()["count"] == 0
    with pytest.raises(ValidationError):
        services.competitor_save(actor=sales.rep, opportunity=deal, data={"name": " "})


# --- OPP-6 closing ---------------------------------------------------------------------------------


def test_opp6_won_creates_the_contract_in_the_same_step(sales, deal):
    won, contract = services.opportunity_mark_won(actor=sales.rep, opportunity=deal, contract=dict(CONTRACT), version=1)
    assert won.status == OpportunityStatus.WON and won.stage.code == "signed" and won.closed_at
    assert won.amount == Decimal("96000.00")
    assert (contract.number, contract.customer, contract.opportunity, contract.owner) == (
        "HT-2026-0088",
        deal.customer,
        won,
        sales.rep,
    )
    assert contract.currency == "CNY" and contract.status == "signed"
    deal.customer.refresh_from_db()
    assert deal.customer.last_deal_at is not None  # a deal: stays out of the pool's "no deal" return
    assert won.events.filter(kind="won", note="HT-2026-0088").exists()


def test_opp6_an_invalid_contract_changes_nothing(sales, deal):
    Contract.objects.create(
        org=sales.organization,
        owner=sales.rep,
        number="HT-2026-0088",
        customer=deal.customer,
        amount=1,
        sign_date=dt.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        services.opportunity_mark_won(actor=sales.rep, opportunity=deal, contract=dict(CONTRACT))
    assert "number" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.opportunity_mark_won(
            actor=sales.rep,
            opportunity=deal,
            contract={**CONTRACT, "number": "HT-9", "end_date": dt.date(2026, 1, 1), "start_date": dt.date(2026, 6, 1)},
        )
    assert "end_date" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.opportunity_mark_won(actor=sales.rep, opportunity=deal, contract={})
    assert error_codes(caught.value) == {SalesError.CONTRACT_REQUIRED}
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.APPROVED and deal.version == 1
    assert Contract.objects.count() == 1


def test_opp6_won_through_the_api_with_the_contract_errors_under_contract(sales, deal):
    api = client_for(sales.rep)
    missing = api.post(f"{API}{deal.pk}/win/", {"version": 1}, format="json")
    assert missing.status_code == 400 and "contract" in missing.json()
    response = api.post(
        f"{API}{deal.pk}/win/",
        {
            "version": 1,
            "contract": {
                "number": "HT-1",
                "amount": "50000",
                "sign_date": "2026-11-01",
                "end_date": "2025-01-01",
                "start_date": "2026-01-01",
            },
        },
        format="json",
    )
    assert response.status_code == 400 and "end_date" in response.json()["contract"]
    done = api.post(
        f"{API}{deal.pk}/win/",
        {"version": 1, "contract": {"number": "HT-1", "amount": "50000", "sign_date": "2026-11-01"}},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "won"
    contract = Contract.objects.get(pk=done.json()["contract"])
    upload = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    patched = api.patch(f"/api/v1/contracts/{contract.pk}/", {"signed_file": upload}, format="multipart")
    assert patched.status_code == 200, patched.json()
    assert api.get(f"/api/v1/contracts/{contract.pk}/file/").status_code == 200


def test_opp6_won_needs_the_right_to_add_contracts(sales, deal):
    rep_role = sales.rep.roles.first()
    rep_role.permissions = [code for code in rep_role.permissions if code != "contract.add"]
    rep_role.save()
    with pytest.raises(PermissionDenied):
        services.opportunity_mark_won(actor=fresh(sales.rep), opportunity=deal, contract=dict(CONTRACT))
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.APPROVED and not Contract.objects.exists()


def test_opp6_lost_needs_a_reason_and_keeps_the_winning_competitor(sales, deal):
    with pytest.raises(ValidationError) as caught:
        services.opportunity_mark_lost(actor=sales.rep, opportunity=deal, reason="")
    assert error_codes(caught.value) == {SalesError.REASON_REQUIRED}
    lost = services.opportunity_mark_lost(
        actor=sales.rep, opportunity=deal, reason="价格没谈拢", competitor_name="友商丙"
    )
    assert lost.status == OpportunityStatus.LOST and lost.stage.code == "lost" and lost.lost_to == "友商丙"
    assert Competitor.objects.filter(opportunity=deal, name="友商丙").exists()
    assert lost.max_stage_position == deal.max_stage_position  # the funnel keeps how far it got
    with pytest.raises(TransitionRefused) as caught:
        services.opportunity_update(actor=sales.rep, opportunity=lost, data={"amount": 1})
    assert caught.value.code == SalesError.CLOSED


def test_opp6_lost_to_a_competitor_already_met(sales, deal):
    met = services.competitor_save(actor=sales.rep, opportunity=deal, data={"name": "友商甲"})
    api = client_for(sales.rep)
    response = api.post(f"{API}{deal.pk}/lose/", {"reason": "对方更便宜", "competitor": met.pk}, format="json")
    assert response.status_code == 200 and response.json()["lost_to"] == "友商甲"
    other = opportunity(sales.organization, sales.rep, customer_name="别家", phone="13700000000")
    foreign = services.competitor_save(actor=sales.rep, opportunity=other, data={"name": "友商乙"})
    refused = api.post(f"{API}{other.pk}/lose/", {"reason": "x", "competitor": met.pk}, format="json")
    assert refused.status_code == 400 and foreign.pk != met.pk
