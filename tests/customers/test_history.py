"""CUS-11: every change to a customer is kept — who, when, which fields, old → new, in words (field
labels, choice labels, names) — and the customer can be given back the values of any earlier
version; the revert goes through main_object_update, so it is permission- and version-checked
and is itself a new version in the history."""

import re

import pytest
from django.urls import reverse

from qiao.core.generic import history_entries
from qiao.customers import services
from qiao.customers.models import Customer
from qiao.org.services import employee_handover
from tests.customers.archive_helpers import archived
from tests.permissions_helpers import employee, role

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world(organization):
    rep = role(organization, "代表", view="owner_department", edit="owner", delete="owner", codes=["customer.add"])
    owner = employee(organization, "销售部", rep, full_name="周建华")
    record = services.customer_create(
        actor=owner,
        data={"name": "宁波四季超市", "size": "small", "mobile": "137 0000 1111", "tags": ["社区店"]},
    )
    services.customer_update(
        actor=owner,
        customer=record,
        data={"name": "宁波四季超市（总店）", "size": "large", "mobile": "137 0000 2222", "tags": ["连锁"]},
        version=record.version,
    )
    return {
        "owner": owner,
        "record": Customer.objects.get(pk=record.pk),
        "colleague": employee(organization, "销售部", rep),
        "outsider": employee(organization, "客服部", rep),
    }


def history_panel(client, record) -> str:
    page = client.get(reverse("customers:detail", args=[record.pk]), **EN).content.decode()
    return page[page.index('id="history-panel"') :]


def test_cus11_the_history_says_who_when_and_what_in_words(client, world):
    client.force_login(world["owner"])
    record = world["record"]
    client.post(
        reverse("customers:edit", args=[record.pk]),
        {"name": record.name, "size": "large", "mobile": record.mobile, "tags": ["连锁"], "notes": "新备注"}
        | {"owner": world["owner"].pk, "related_users": [world["colleague"].pk], "version": record.version},
    )
    panel = history_panel(client, record)
    assert re.search(r"Notes:</span> <del[^>]*>—</del> → 新备注", panel)
    assert "周建华" in panel  # who made that change
    assert re.search(r"Size:</span> <del[^>]*>Small</del> → Large", panel)  # labels, not "small" / "large"
    assert re.search(r"Name:</span> <del[^>]*>宁波四季超市</del> → 宁波四季超市（总店）", panel)
    assert re.search(r"Mobile:</span> <del[^>]*>137 0000 1111</del> → 137 0000 2222", panel)
    assert re.search(r"Tags:</span> <del[^>]*>社区店</del> → 连锁", panel)  # tag names, not ids
    colleague = world["colleague"].full_name
    assert re.search(rf"Related employees:</span> <del[^>]*>—</del> → {colleague}", panel)  # names, not ids
    assert "Created" in panel and "Version 2" in panel


def test_cus11_the_history_says_why_where_the_change_had_a_reason(client, world, admin_user, english):
    """A handover (ORG-6) says why the owner changed (in the language it was made in); an edit has no reason."""
    successor = world["colleague"]
    employee_handover(actor=admin_user, leaving=world["owner"], successor=successor)
    client.force_login(admin_user)
    panel = history_panel(client, world["record"])
    entries = panel.split('class="mb-3 qiao-history-entry"')[1:]
    assert f"Handed over from {world['owner'].full_name} to {successor.full_name}" in entries[0]
    assert re.search(rf"Owner:</span> <del[^>]*>周建华</del> → {successor.full_name}", entries[0])
    assert "qiao-history-reason" not in entries[1]  # the edit of the fixture


def test_cus11_the_history_takes_a_fixed_number_of_queries(world, rf, django_assert_max_num_queries):
    for number in range(25):
        record = Customer.objects.get(pk=world["record"].pk)
        services.customer_update(actor=world["owner"], customer=record, data={"notes": f"第{number}次"})
    request = rf.get("/")
    request.user = world["owner"]
    with django_assert_max_num_queries(8):
        entries = history_entries(world["owner"], world["record"])
    assert len(entries) == 20


def first_version(record):
    return record.history.order_by("history_date", "history_id").first()


def test_cus11_revert_gives_back_the_values_of_a_version_as_a_new_version(client, world):
    record = world["record"]
    versions_before = record.history.count()
    client.force_login(world["owner"])
    original = first_version(record)
    response = client.post(
        reverse("customers:revert", args=[record.pk, original.history_id]), {"version": record.version}
    )
    assert response.status_code == 302 and response.url.endswith("#panel-history")
    reverted = Customer.objects.get(pk=record.pk)
    assert (reverted.name, reverted.size, reverted.mobile) == ("宁波四季超市", "small", "137 0000 1111")
    assert reverted.version == record.version + 1
    assert reverted.name_pinyin == "ningbosijichaoshi"  # prepare_customer ran: the search keys follow
    assert reverted.history.count() > versions_before  # the revert is itself in the history
    # …and can be reverted in turn: back to the state before the revert.
    before_revert = reverted.history.filter(version=record.version).order_by("-history_date").first()
    client.post(reverse("customers:revert", args=[record.pk, before_revert.history_id]), {"version": reverted.version})
    assert Customer.objects.get(pk=record.pk).name == "宁波四季超市（总店）"


def test_cus11_revert_restores_the_tags_of_that_version(client, world):
    record = world["record"]
    client.force_login(world["owner"])
    with_first_tags = record.history.filter(version=1).order_by("-history_date").first()
    client.post(reverse("customers:revert", args=[record.pk, with_first_tags.history_id]), {"version": record.version})
    assert [tag.name for tag in Customer.objects.get(pk=record.pk).tags.all()] == ["社区店"]


def test_cus11_the_history_offers_revert_only_to_editors(client, world):
    record, revert_path = world["record"], f"/customers/{world['record'].pk}/history/"
    client.force_login(world["owner"])
    assert revert_path in history_panel(client, record)
    client.force_login(world["colleague"])
    assert revert_path not in history_panel(client, record)


def test_perm4_revert_by_someone_who_may_only_view_is_403_and_changes_nothing(client, world):
    record = world["record"]
    client.force_login(world["colleague"])
    response = client.post(
        reverse("customers:revert", args=[record.pk, first_version(record).history_id]), {"version": record.version}
    )
    assert response.status_code == 403 and Customer.objects.get(pk=record.pk).version == record.version


def test_perm3_revert_by_an_outsider_is_404(client, world):
    record = world["record"]
    client.force_login(world["outsider"])
    response = client.post(
        reverse("customers:revert", args=[record.pk, first_version(record).history_id]), {"version": record.version}
    )
    assert response.status_code == 404 and Customer.objects.get(pk=record.pk).name == "宁波四季超市（总店）"


def test_nfr2_revert_on_a_stale_page_is_refused(client, world):
    record = world["record"]
    client.force_login(world["owner"])
    response = client.post(
        reverse("customers:revert", args=[record.pk, first_version(record).history_id]),
        {"version": record.version - 1},
        follow=True,
        **EN,
    )
    assert "nothing was reverted" in response.content.decode()
    assert Customer.objects.get(pk=record.pk).name == "宁波四季超市（总店）"


def test_cus11_a_version_of_another_customer_cannot_be_applied(client, world, organization):
    other = archived(organization, owner=world["owner"], name="别的店")
    client.force_login(world["owner"])
    response = client.post(
        reverse("customers:revert", args=[other.pk, first_version(world["record"]).history_id]), {"version": 1}
    )
    assert response.status_code == 404 and Customer.objects.get(pk=other.pk).name == "别的店"
