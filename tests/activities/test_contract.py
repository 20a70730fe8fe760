from qiao.activities.models import Activity
from qiao.core.testing import ObjectTypeContract
from tests.permissions_helpers import activity


class TestActivityContract(ObjectTypeContract):
    model = Activity
    api_path = "/api/v1/activities/"

    def valid_payload(self, organization, owner):
        return {"kind": "call", "notes": "电话回访，客户满意"}

    def make_record(self, organization, owner):
        return activity(organization, owner=owner, notes="上门拜访")

    def changed_payload(self):
        return {"notes": "上门拜访，约定下周报价"}
