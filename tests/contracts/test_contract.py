import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qiao.contracts import services
from qiao.contracts.models import Contract
from qiao.core.testing import ObjectTypeContract
from tests.conftest import api_client_for
from tests.permissions_helpers import customer, employee, role
from tests.sales.helpers import opportunity


class TestContractContract(ObjectTypeContract):
    model = Contract
    api_path = "/api/v1/contracts/"
    page_namespace = "contracts"
    _numbers = iter(range(1, 10_000))

    def valid_payload(self, organization, owner):
        shop = customer(organization, name="宁波四季超市", owner=owner)
        return {"number": "HT-2026-0901", "customer": shop.pk, "amount": "128000.00", "sign_date": "2026-11-20"}

    def make_record(self, organization, owner):
        shop = customer(organization, name="上海嘉禾便利店", owner=owner)
        return Contract.objects.create(
            org=organization,
            owner=owner,
            owner_department=owner.department,
            number=f"HT-2026-{next(self._numbers):04d}",
            customer=shop,
            amount="56000.00",
            sign_date=dt.date(2026, 11, 1),
        )

    def changed_payload(self):
        return {"terms": "货到付款，30 天账期"}


def test_con1_api_refuses_an_opportunity_hidden_from_the_user_or_of_another_customer(organization):
    """CON-1: a contract names an opportunity its author can see, of the contract's own customer;
    anything else is a 400 naming the field with a clear message, and nothing is written."""
    own = role(organization, "本人", view="owner", edit="owner", delete="owner")
    rep = employee(organization, "销售部", own, full_name="李雷")
    colleague = employee(organization, "客服部", own, full_name="韩梅梅")
    shop = customer(organization, name="宁波四季超市", owner=rep)
    other_shop = customer(organization, name="上海嘉禾便利店", owner=rep)
    mine = opportunity(organization, rep, customer=shop, customer_name=shop.name, phone="13900001111")
    hidden = opportunity(organization, colleague, customer=shop, customer_name=shop.name, phone="13900002222")
    api = api_client_for(rep)
    payload = {"number": "HT-2026-0901", "customer": shop.pk, "amount": "128000.00", "sign_date": "2026-11-20"}

    invisible = api.post("/api/v1/contracts/", {**payload, "opportunity": hidden.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert invisible.status_code == 400
    assert invisible.json() == {"opportunity": ["Unknown opportunity; choose one you can see."]}
    missing = api.post("/api/v1/contracts/", {**payload, "opportunity": 987654}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.json() == invisible.json()  # hidden and missing read alike (PERM-3)

    mismatched = api.post(
        "/api/v1/contracts/", {**payload, "customer": other_shop.pk, "opportunity": mine.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert mismatched.status_code == 400
    (message,) = mismatched.json()["opportunity"]
    assert "another customer's" in message and "上海嘉禾便利店" in message
    assert not Contract.objects.exists()

    with pytest.raises(ValidationError) as caught:  # the service itself, whatever the caller
        services.contract_create(
            actor=rep,
            data={"number": "HT-X", "customer": shop, "amount": 1, "sign_date": "2026-11-20", "opportunity": hidden},
        )
    assert "opportunity" in caught.value.message_dict

    created = api.post("/api/v1/contracts/", {**payload, "opportunity": mine.pk})
    assert created.status_code == 201 and created.json()["opportunity"] == mine.pk
    changed = api.patch(f"/api/v1/contracts/{created.json()['id']}/", {"customer": other_shop.pk})
    assert changed.status_code == 400 and "opportunity" in changed.json()
