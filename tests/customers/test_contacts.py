"""CUS-2: several contacts per customer — name, title, phones, e-mail, WeChat, birthday (solar or
lunar), communication style, preferred channel, decision role — added, changed, deleted and
restored in place on the customer's page (htmx), through the contact services, with the
customer's permissions: visible but not editable is 403, invisible is 404 (PERM-3, PERM-4)."""

import pytest
from django.urls import reverse

from qiao.customers.models import Contact
from tests.customers.archive_helpers import archived
from tests.permissions_helpers import employee, role

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world(organization):
    rep = role(organization, "代表", view="owner_department", edit="owner", delete="owner")
    owner = employee(organization, "销售部", rep)
    record = archived(
        organization,
        owner=owner,
        name="宁波四季超市",
        contacts=[{"name": "李芳", "title": "采购", "mobile": "136 1111 2222", "is_primary": True}],
    )
    return {
        "owner": owner,
        "colleague": employee(organization, "销售部", rep),
        "outsider": employee(organization, "客服部", rep),
        "customer": record,
        "contact": record.contacts.get(),
    }


def contact_data(**overrides) -> dict:
    data = {
        "name": "王建国",
        "title": "老板",
        "phone": "0574-8765 4321",
        "mobile": "13987654321",
        "email": "wang@example.cn",
        "wechat": "wjg_1968",
        "decision_role": "decision_maker",
        "preferred_channel": "wechat",
        "birthday_calendar": "lunar",
        "birthday_year": "",
        "birthday_month": "8",
        "birthday_day": "15",
        "communication_style": "爽快，电话里就能拍板",
        "notes": "",
    }
    data.update(overrides)
    return data


def url(name, world, contact=None):
    args = [world["customer"].pk] + ([contact.pk] if contact else [])
    return reverse(f"customers:{name}", args=args)


def test_cus2_add_a_contact_with_every_field(client, world):
    client.force_login(world["owner"])
    form = client.get(url("contact_add", world), **HTMX).content.decode()
    for name in ("name", "title", "phone", "mobile", "email", "wechat", "decision_role", "preferred_channel"):
        assert f'name="{name}"' in form
    for name in ("birthday_calendar", "birthday_month", "birthday_day", "communication_style"):
        assert f'name="{name}"' in form
    response = client.post(url("contact_add", world), contact_data(), **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#contacts-panel"
    contact = Contact.objects.get(name="王建国")
    assert (contact.customer, contact.phone, contact.mobile) == (world["customer"], "0574 8765 4321", "139 8765 4321")
    assert (contact.birthday_calendar, contact.birthday_month, contact.birthday_day) == ("lunar", 8, 15)
    assert (contact.decision_role, contact.preferred_channel) == ("decision_maker", "wechat")
    html = response.content.decode()
    assert "王建国" in html and "李芳" in html and "Decision maker" in html and "08-15 (lunar)" in html


def test_cus2_a_customer_has_one_primary_contact(client, world):
    client.force_login(world["owner"])
    client.post(url("contact_add", world), contact_data(is_primary="on"), **HTMX)
    assert list(world["customer"].contacts.filter(is_primary=True).values_list("name", flat=True)) == ["王建国"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mobile", "139876", "is not a valid phone number"),
        ("email", "wang@", "valid email"),
        ("birthday_day", "31", "A lunar month has at most 30 days."),
        ("name", "", "This field is required."),
        ("decision_role", "boss", "Select a valid choice"),
    ],
)
def test_cus2_bad_input_is_named_next_to_its_field(client, world, field, value, message):
    client.force_login(world["owner"])
    response = client.post(url("contact_add", world), contact_data(**{field: value}), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Retarget" not in response
    assert f'id="contact-new-{field}-error"' in html and message in html
    assert not Contact.objects.filter(name="王建国").exists()


def test_cus2_edit_in_place_with_optimistic_locking(client, world):
    contact = world["contact"]
    client.force_login(world["owner"])
    form = client.get(url("contact_edit", world, contact), **HTMX).content.decode()
    assert 'value="李芳"' in form and f'name="version" value="{contact.version}"' in form
    data = contact_data(name="李芳", title="采购经理", version=contact.version)
    response = client.post(url("contact_edit", world, contact), data, **HTMX)
    contact.refresh_from_db()
    assert response["HX-Retarget"] == "#contacts-panel" and contact.title == "采购经理" and contact.version == 2
    stale = client.post(url("contact_edit", world, contact), {**data, "title": "店长", "version": 1}, **HTMX)
    assert "Someone else changed this contact" in stale.content.decode()
    contact.refresh_from_db()
    assert contact.title == "采购经理"


def test_cus2_delete_and_restore(client, world):
    contact = world["contact"]
    client.force_login(world["owner"])
    html = client.post(url("contact_delete", world, contact), **HTMX).content.decode()
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert Contact.all_objects.get(pk=contact.pk).deleted_at is not None
    assert "1 deleted contact" in html and url("contact_restore", world, contact) in html
    html = client.post(url("contact_restore", world, contact), **HTMX).content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists() and "Restored the contact" in html


def test_perm4_a_colleague_who_may_only_view_cannot_change_contacts(client, world):
    contact = world["contact"]
    client.force_login(world["colleague"])
    html = client.get(url("contacts", world), **HTMX).content.decode()
    assert "李芳" in html and url("contact_delete", world, contact) not in html
    assert client.get(url("contact_add", world), **HTMX).status_code == 403
    assert client.post(url("contact_add", world), contact_data(), **HTMX).status_code == 403
    assert client.post(url("contact_edit", world, contact), contact_data(), **HTMX).status_code == 403
    assert client.post(url("contact_delete", world, contact), **HTMX).status_code == 403
    assert Contact.objects.get(pk=contact.pk).name == "李芳" and Contact.objects.count() == 1


def test_perm3_an_outsider_finds_no_contact_anywhere(client, world):
    contact = world["contact"]
    Contact.objects.filter(pk=contact.pk).update(deleted_at=None)
    client.force_login(world["outsider"])
    for name, with_contact in (("contacts", False), ("contact_add", False), ("contact_edit", True)):
        assert client.get(url(name, world, contact if with_contact else None), **HTMX).status_code == 404
    for name in ("contact_edit", "contact_delete", "contact_restore"):
        assert client.post(url(name, world, contact), contact_data(), **HTMX).status_code == 404
    assert client.post(url("contact_add", world), contact_data(), **HTMX).status_code == 404
    assert Contact.objects.get(pk=contact.pk).name == "李芳"


def test_a_contact_is_reached_only_through_its_own_customer(client, world, organization):
    other = archived(organization, owner=world["owner"], name="另一家店")
    client.force_login(world["owner"])
    wrong = reverse("customers:contact_edit", args=[other.pk, world["contact"].pk])
    assert client.get(wrong, **HTMX).status_code == 404
    assert (
        client.post(reverse("customers:contact_delete", args=[other.pk, world["contact"].pk]), **HTMX).status_code
        == 404
    )
