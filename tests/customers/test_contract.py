from qiao.core.testing import ObjectTypeContract
from qiao.customers.models import Customer
from tests.permissions_helpers import customer


class TestCustomerContract(ObjectTypeContract):
    model = Customer
    api_path = "/api/v1/customers/"
    page_namespace = "customers"

    def valid_payload(self, organization, owner):
        return {
            "name": "宁波四季超市",
            "phone": "13900000000",
            "address": "浙江省宁波市海曙区中山西路1号",
            "size": "small",
            "cooperation_status": "normal",
            "abc_class": "b",
            "lifecycle": "new",
            "preferred_channel": "wechat",
            "tags": ["社区店"],
        }

    def make_record(self, organization, owner):
        return customer(organization, name="上海嘉禾便利店", owner=owner)

    def changed_payload(self):
        return {"name": "上海嘉禾便利店（总店）", "size": "medium", "tags": ["连锁"]}


def test_nfr3_every_change_shows_in_the_records_history_panel(client, organization):
    from django.urls import reverse

    from tests.permissions_helpers import customer, employee, role

    owner = employee(organization, "销售部", role(organization, "代表", view="owner", edit="owner"))
    record = customer(organization, name="佛山金穗食品", owner=owner)
    client.force_login(owner)
    client.post(
        reverse("customers:edit", args=[record.pk]),
        {"name": "佛山金穗食品有限公司", "phone": "13800001111", "owner": owner.pk, "version": 1},
    )
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    history = page[page.index('id="panel-history"') :]
    assert (
        "佛山金穗食品" in history and "佛山金穗食品有限公司" in history and "138 0000 1111" in history
    )  # stored normalized (CUS-1)
    assert owner.full_name in history  # who made the change
