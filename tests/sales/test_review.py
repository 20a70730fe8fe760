"""OPP-2 review (approve, return with a reason, resubmit), OPP-3 again at review and the
administrator's override, and every status change refused from every state it does not start from."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from qiao.core.models import Notification
from qiao.core.testing import client_for
from qiao.customers.models import Customer
from qiao.sales import services
from qiao.sales.errors import SalesError, TransitionRefused
from qiao.sales.models import OpportunityClash, OpportunityStatus

from .helpers import REGISTRATION, archived_customer, opportunity, stage

Status = OpportunityStatus
API = "/api/v1/opportunities/"


def registered(sales, **data):
    return services.opportunity_register(actor=sales.rep, data={**REGISTRATION, **data})


def test_opp2_reviewers_hear_of_a_registration_waiting_for_them(sales):
    record = registered(sales)
    notified = set(Notification.objects.filter(verb="opportunity.submitted").values_list("recipient", flat=True))
    # Holders of opportunity.review who can see it: the two managers and the administrator; not the
    # registrant, not the colleague, not the outsider.
    assert notified == {sales.manager.pk, sales.assistant.pk, sales.admin.pk}
    assert Notification.objects.get(recipient=sales.manager, verb="opportunity.submitted").target_id == record.pk


def test_opp2_approval_registers_it_at_the_first_stage_with_a_new_customer_record(sales):
    record = registered(sales)
    approved = services.opportunity_approve(actor=sales.manager, opportunity=record)
    assert approved.status == Status.APPROVED
    assert approved.stage.code == "target" and approved.stage_entered_at and approved.registered_at
    assert approved.reviewed_by == sales.manager
    customer = approved.customer
    assert (
        customer.name == "杭州西湖茶叶有限公司" and customer.owner == sales.rep and customer.mobile == "139 1234 5678"
    )
    assert customer.name_key  # in the archive with its duplicate keys (CUS-8)
    contact = customer.contacts.get()
    assert contact.name == "周先生" and contact.is_primary and list(approved.contacts.all()) == [contact]
    note = Notification.objects.get(recipient=sales.rep, verb="opportunity.approved")
    assert "王经理" in str(note)
    assert approved.events.filter(kind="approved", actor=sales.manager).exists()


def test_opp2_approval_links_the_registrants_own_customer_instead_of_creating_one(sales):
    own = archived_customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.rep)
    approved = services.opportunity_approve(actor=sales.manager, opportunity=registered(sales))
    assert approved.customer == own
    assert Customer.objects.filter(org=sales.organization).count() == 1


def test_opp2_return_with_reason_then_resubmit(sales):
    record = registered(sales)
    with pytest.raises(ValidationError) as caught:
        services.opportunity_return(actor=sales.manager, opportunity=record, reason="  ")
    assert caught.value.message_dict["reason"]
    returned = services.opportunity_return(actor=sales.manager, opportunity=record, reason="电话打不通，请核实")
    assert returned.status == Status.RETURNED and returned.return_reason == "电话打不通，请核实"
    note = Notification.objects.get(recipient=sales.rep, verb="opportunity.returned")
    assert "电话打不通" in str(note)
    corrected = services.opportunity_update(actor=sales.rep, opportunity=returned, data={"phone": "13912345670"})
    resubmitted = services.opportunity_resubmit(actor=sales.rep, opportunity=corrected)
    assert resubmitted.status == Status.SUBMITTED
    assert [event.kind for event in resubmitted.events.order_by("at", "pk")] == [
        "submitted",
        "returned",
        "submitted",
    ]


def test_opp2_the_registrant_sees_why_on_the_page(sales, client):
    record = registered(sales)
    services.opportunity_return(actor=sales.manager, opportunity=record, reason="请补充门店数量")
    client.force_login(sales.rep)
    page = client.get(f"/opportunities/{record.pk}/").content.decode()
    assert "请补充门店数量" in page and 'data-action="resubmit"' in page


def test_opp2_only_reviewers_review_and_never_their_own_registration(sales):
    record = registered(sales)
    with pytest.raises(PermissionDenied):
        services.opportunity_approve(actor=sales.rep2, opportunity=opportunity_visible_to_rep2(sales, record))
    own = services.opportunity_register(
        actor=sales.manager, data={**REGISTRATION, "customer_name": "无锡惠民超市", "phone": "13500001111"}
    )
    with pytest.raises(PermissionDenied):
        services.opportunity_approve(actor=sales.manager, opportunity=own)
    assert services.opportunity_approve(actor=sales.assistant, opportunity=own).status == Status.APPROVED
    hidden = services.opportunity_register(
        actor=sales.outsider, data={**REGISTRATION, "customer_name": "常州福满超市", "phone": "13600002222"}
    )
    with pytest.raises(Http404):  # the reviewer's scope does not reach 客服部
        services.opportunity_approve(actor=sales.manager, opportunity=hidden)


def opportunity_visible_to_rep2(sales, record):
    record.related_users.add(sales.rep2)
    return record


def test_opp2_api_approve_return_and_their_refusals(sales):
    record = registered(sales)
    manager = client_for(sales.manager)
    assert client_for(sales.rep2).post(f"{API}{record.pk}/approve/").status_code == 404  # cannot see it
    assert client_for(sales.rep).post(f"{API}{record.pk}/approve/").status_code == 403  # own registration
    missing = manager.post(f"{API}{record.pk}/return/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 400 and "reason" in missing.json()
    response = manager.post(f"{API}{record.pk}/approve/", {"version": record.version}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    again = manager.post(f"{API}{record.pk}/approve/", format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert again.json() == {"detail": again.json()["detail"], "code": "not_submitted"}
    assert "waiting for review" in again.json()["detail"]
    returned = manager.post(f"{API}{record.pk}/return/", {"reason": "x"}, format="json")
    assert returned.status_code == 409 and returned.json()["code"] == "not_submitted"


# --- OPP-3 at review and the override -------------------------------------------------------------


def test_opp3_a_clash_that_appeared_after_registration_fails_it_at_review(sales):
    record = registered(sales)
    archived_customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.rep2)  # entered meanwhile
    result = services.opportunity_approve(actor=sales.manager, opportunity=record)
    assert result.status == Status.CLASH and result.reviewed_by == sales.manager
    clash = OpportunityClash.objects.get(opportunity=record)
    assert clash.found == "review" and clash.matched_owner == sales.rep2
    assert Notification.objects.filter(recipient=sales.rep, verb="opportunity.clash").exists()
    assert Notification.objects.filter(recipient=sales.rep2, verb="opportunity.clash_owner").exists()
    response = client_for(sales.assistant).get(f"{API}{record.pk}/")
    assert response.json()["status"] == "clash"


def test_opp3_the_second_of_two_pending_registrations_fails_at_review(sales):
    first = registered(sales)
    second = services.opportunity_register(
        actor=sales.rep2, data={**REGISTRATION, "customer_name": "东莞鑫达贸易", "phone": "13311112222"}
    )
    assert first.status == second.status == Status.SUBMITTED
    services.opportunity_approve(actor=sales.manager, opportunity=first)
    third = services.opportunity_register(actor=sales.rep2, data=dict(REGISTRATION))
    assert third.status == Status.CLASH  # the approved first one holds the customer


def test_opp3_the_registrant_may_not_follow_a_clash(sales):
    archived_customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.rep2)
    record = registered(sales)
    calls = [
        lambda: services.opportunity_update(actor=sales.rep, opportunity=record, data={"amount": 1}),
        lambda: services.opportunity_move_stage(
            actor=sales.rep, opportunity=record, stage=stage(sales.organization, "quoted")
        ),
        lambda: services.opportunity_mark_lost(actor=sales.rep, opportunity=record, reason="x"),
        lambda: services.opportunity_submit(actor=sales.rep, opportunity=record),
        lambda: services.competitor_save(actor=sales.rep, opportunity=record, data={"name": "友商"}),
    ]
    codes = set()
    for call in calls:
        with pytest.raises(TransitionRefused) as caught:
            call()
        codes.add(caught.value.code)
    assert codes == {SalesError.CLASH_LOCKED, SalesError.NOT_OPEN, SalesError.NOT_DRAFT}
    patch = client_for(sales.rep).patch(f"{API}{record.pk}/", {"amount": "5"}, format="json")
    assert patch.status_code == 409 and patch.json()["code"] == "clash_locked"


def test_opp3_an_administrator_overrides_with_a_recorded_reason(sales):
    existing = archived_customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.rep2)
    record = registered(sales)
    with pytest.raises(PermissionDenied):
        services.opportunity_override_clash(actor=sales.manager, opportunity=record, reason="x")
    with pytest.raises(ValidationError):
        services.opportunity_override_clash(actor=sales.admin, opportunity=record, reason="")
    result = services.opportunity_override_clash(actor=sales.admin, opportunity=record, reason="李娜已离职交接")
    assert result.status == Status.APPROVED and result.override_reason == "李娜已离职交接"
    assert result.overridden_by == sales.admin and result.customer == existing  # registered for that customer
    assert result.events.filter(kind="overridden", note="李娜已离职交接").exists()
    assert Notification.objects.filter(recipient=sales.rep2, verb="opportunity.overridden").exists()
    assert Notification.objects.filter(recipient=sales.rep, verb="opportunity.overridden").exists()
    with pytest.raises(TransitionRefused) as caught:
        services.opportunity_override_clash(actor=sales.admin, opportunity=result, reason="again")
    assert caught.value.code == SalesError.NOT_CLASH


def test_opp3_the_existing_owner_sees_the_clash_on_their_customers_page(sales, client):
    existing = archived_customer(sales.organization, name="杭州西湖茶叶有限公司", owner=sales.rep2)
    registered(sales)
    client.force_login(sales.rep2)
    page = client.get(f"/customers/{existing.pk}/").content.decode()
    assert 'id="record-clashes"' in page and "张伟" in page
    client.force_login(sales.outsider)
    assert client.get(f"/customers/{existing.pk}/").status_code == 404


# --- Every status change, refused from every state it does not start from -------------------------

TRANSITIONS = {
    # name: (call, the states it starts from, the code of its refusal)
    "submit": (lambda s, o: services.opportunity_submit(actor=s.admin, opportunity=o), {"draft"}, SalesError.NOT_DRAFT),
    "resubmit": (
        lambda s, o: services.opportunity_resubmit(actor=s.admin, opportunity=o),
        {"returned"},
        SalesError.NOT_RETURNED,
    ),
    "approve": (
        lambda s, o: services.opportunity_approve(actor=s.manager, opportunity=o),
        {"submitted"},
        SalesError.NOT_SUBMITTED,
    ),
    "return": (
        lambda s, o: services.opportunity_return(actor=s.manager, opportunity=o, reason="r"),
        {"submitted"},
        SalesError.NOT_SUBMITTED,
    ),
    "override": (
        lambda s, o: services.opportunity_override_clash(actor=s.admin, opportunity=o, reason="r"),
        {"clash"},
        SalesError.NOT_CLASH,
    ),
    "move_stage": (
        lambda s, o: services.opportunity_move_stage(
            actor=s.admin, opportunity=o, stage=stage(s.organization, "quoted")
        ),
        {"approved"},
        SalesError.NOT_OPEN,
    ),
    "mark_won": (
        lambda s, o: services.opportunity_mark_won(
            actor=s.admin, opportunity=o, contract={"number": "HT-1", "amount": 1, "sign_date": "2026-11-01"}
        ),
        {"approved"},
        SalesError.NOT_OPEN,
    ),
    "mark_lost": (
        lambda s, o: services.opportunity_mark_lost(actor=s.admin, opportunity=o, reason="r"),
        {"approved"},
        SalesError.NOT_OPEN,
    ),
}
REFUSED = [
    (name, status)
    for name, (_call, allowed, _code) in TRANSITIONS.items()
    for status in Status.values
    if status not in allowed
]


@pytest.mark.parametrize(("transition", "status"), REFUSED, ids=[f"{name}-from-{status}" for name, status in REFUSED])
def test_opp2_opp6_every_transition_is_refused_from_every_other_state(sales, transition, status):
    record = opportunity(sales.organization, sales.rep, status=status, stage_code="needs")
    call, _allowed, code = TRANSITIONS[transition]
    with pytest.raises(TransitionRefused) as caught:
        call(sales, record)
    assert caught.value.code == code
    assert str(caught.value)  # a message for people
    record.refresh_from_db()
    assert record.status == status and record.version == 1  # nothing changed
