"""LEAD-1: leads are a main object like customers — the shared contract of list, detail, create,
edit, delete, export and scopes, through the pages and the API."""

from qiao.core.testing import ObjectTypeContract
from qiao.customers.models import Lead
from tests.permissions_helpers import lead


class TestLeadContract(ObjectTypeContract):
    model = Lead
    api_path = "/api/v1/leads/"
    page_namespace = "customers:leads"

    def valid_payload(self, organization, owner):
        return {"name": "陈晓燕", "company": "宁波鲜丰水果超市", "phone": "13900001111", "source": "trade_show"}

    def make_record(self, organization, owner):
        return lead(organization, owner=owner, name="周秀英", company="苏州惠万家便利店")

    def changed_payload(self):
        return {"company": "苏州惠万家便利店（二店）"}
