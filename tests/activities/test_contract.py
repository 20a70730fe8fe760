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


def test_act1_log_an_activity_on_a_record_page_and_see_it_per_perm5(client, organization):
    from django.urls import reverse

    from tests.permissions_helpers import customer, employee, role

    rep = role(organization, "代表", view="owner", edit="owner", activity={"view": "owner", "edit": "owner"})
    owner = employee(organization, "销售部", rep)
    record = customer(organization, name="常州瑞丰便利店", owner=owner)
    client.force_login(owner)
    response = client.post(
        reverse("activities:add", args=["customer", record.pk]),
        {"kind": "visit", "notes": "上门拜访，店主很满意", "starts_at": "2026-11-20T10:30"},
    )
    assert "上门拜访，店主很满意" in response.content.decode()
    assert "上门拜访，店主很满意" in client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    stranger = employee(organization, "客服部", role(organization, "全看客户", view="all", activity={"view": "owner"}))
    client.force_login(stranger)
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    assert "常州瑞丰便利店" in page and "上门拜访，店主很满意" not in page  # PERM-5: not their activity
    assert client.post(reverse("activities:add", args=["customer", 999999]), {"kind": "call"}).status_code == 404
