from qiao.core.testing import ObjectTypeContract
from qiao.sales.models import Opportunity

from .helpers import REGISTRATION, opportunity


class TestOpportunityContract(ObjectTypeContract):
    model = Opportunity
    api_path = "/api/v1/opportunities/"
    page_namespace = "opportunities"

    def valid_payload(self, organization, owner):
        return {**REGISTRATION, "customer_name": "宁波四季超市", "phone": "13900000000"}

    def make_record(self, organization, owner):
        return opportunity(organization, owner, customer_name="上海嘉禾便利店", phone="13600001111")

    def changed_payload(self):
        return {"amount": "88000.00", "description": "需求已确认：十二家门店"}
