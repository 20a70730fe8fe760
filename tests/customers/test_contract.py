from qiao.core.testing import ObjectTypeContract
from qiao.customers.models import Customer
from tests.permissions_helpers import customer


class TestCustomerContract(ObjectTypeContract):
    model = Customer
    api_path = "/api/v1/customers/"
    page_namespace = "customers"

    def valid_payload(self, organization, owner):
        return {"name": "宁波四季超市", "phone": "13900000000"}

    def make_record(self, organization, owner):
        return customer(organization, name="上海嘉禾便利店", owner=owner)

    def changed_payload(self):
        return {"name": "上海嘉禾便利店（总店）"}
