import datetime as dt

from qiao.contracts.models import Contract
from qiao.core.testing import ObjectTypeContract
from tests.permissions_helpers import customer


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
