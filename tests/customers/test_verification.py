"""CUS-5: the data verification call (seed 003 step 3) — a guided script (introduce, purpose, shop
name, address, a mobile when a landline was called, gender and attitude) that writes a
VerificationCall and updates the archive atomically through the shared update service; the
customer's page shows when it was last verified and the calls; only editors record one."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from qiao.core.services import StaleVersion
from qiao.customers import verification
from qiao.customers.models import Customer, VerificationCall
from tests.permissions_helpers import customer, employee, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(organization):
    rep = employee(organization, "华东组", role(organization, "代表", view="owner", edit="owner"), full_name="王内勤")
    reader = employee(organization, "客服部", role(organization, "只读", view="all"), full_name="赵只读")
    stranger = employee(organization, "客服部", role(organization, "别组", view="owner", edit="owner"))
    record = customer(
        organization,
        name="杭州西湖超市",
        owner=rep,
        phone="0571 8888 6666",
        address="浙江省杭州市西湖区文三路90号",
        province="浙江省",
        city="杭州市",
        district="西湖区",
        latitude=Decimal("30.27"),
        longitude=Decimal("120.15"),
    )
    return rep, reader, stranger, record


def record_call(actor, record, **answers):
    values = {
        "version": record.version,
        "called_number": "0571 8888 6666",
        "reached": True,
        "name_confirmed": True,
        "address_confirmed": True,
        "gender": "female",
        "attitude": "positive",
    }
    values.update(answers)
    return verification.verification_call_record(actor=actor, customer=record, **values)


def test_cus5_a_call_confirming_everything_is_recorded_and_verifies_the_customer(people):
    rep, _reader, _stranger, record = people
    call = record_call(rep, record, notes="老板很配合")
    record.refresh_from_db()
    assert record.last_verified_at is not None and record.version == 2
    assert (call.caller, call.reached, call.name_confirmed, call.address_confirmed) == (rep, True, True, True)
    assert (call.gender, call.attitude, call.notes, call.called_number) == (
        "female",
        "positive",
        "老板很配合",
        "0571 8888 6666",
    )
    assert record.boss_gender == "female"  # unknown before: filled in
    assert record.name == "杭州西湖超市"


def test_cus5_corrections_go_into_the_archive_normalized(people):
    rep, _reader, _stranger, record = people
    call = record_call(
        rep,
        record,
        name_confirmed=False,
        corrected_name="  杭州西湖  超市（文三路店） ",
        address_confirmed=False,
        corrected_address="浙江省宁波市鄞州区中山东路1号",
        mobile="13812345678",
    )
    record.refresh_from_db()
    assert record.name == "杭州西湖 超市（文三路店）"
    assert (record.province, record.city, record.district) == ("浙江省", "宁波市", "鄞州区")  # parsed again
    assert Decimal("29.5") < record.latitude < Decimal("30.2")  # moved to the new district's centre
    assert record.mobile == "138 1234 5678" and call.mobile == "138 1234 5678"
    assert record.name_pinyin.startswith("hangzhouxihu")  # prepare_customer ran
    assert (call.name_confirmed, call.address_confirmed) == (False, False)
    newest = record.history.first()
    assert {"name", "address", "mobile"} <= set(newest.diff_against(record.history.last()).changed_fields)  # CUS-11
    assert newest.last_verified_at == record.last_verified_at


def test_cus5_a_landline_call_can_ask_for_a_mobile(people):
    assert not verification.is_mobile("0571 8888 6666") and verification.is_mobile("138 1234 5678")
    assert verification.is_mobile("+86 138-1234-5678")


def test_cus5_nobody_answered_records_only_the_attempt(people):
    rep, _reader, _stranger, record = people
    call = record_call(
        rep, record, reached=False, name_confirmed=False, address_confirmed=False, gender="", attitude=""
    )
    record.refresh_from_db()
    assert record.last_verified_at is None and record.version == 1
    assert not call.reached and call.gender == "" and not call.name_confirmed


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"called_number": ""}, "called_number"),
        ({"called_number": "12345"}, "called_number"),
        ({"name_confirmed": False, "corrected_name": ""}, "corrected_name"),
        ({"address_confirmed": False, "corrected_address": "  "}, "corrected_address"),
        ({"gender": ""}, "gender"),
        ({"attitude": "furious"}, "attitude"),
        ({"mobile": "138"}, "mobile"),  # refused by prepare_customer, named by the form's field
    ],
)
def test_cus5_bad_answers_are_named_by_field_and_nothing_is_saved(people, answers, field):
    rep, _reader, _stranger, record = people
    with pytest.raises(ValidationError) as raised:
        record_call(rep, record, **answers)
    assert field in raised.value.error_dict
    record.refresh_from_db()
    assert record.version == 1 and record.last_verified_at is None and record.mobile == ""
    assert not VerificationCall.objects.exists()


def test_cus5_a_stale_version_saves_nothing(people):
    rep, _reader, _stranger, record = people
    Customer.objects.filter(pk=record.pk).update(version=3)
    with pytest.raises(StaleVersion):
        record_call(rep, record, version=1, name_confirmed=False, corrected_name="新名字")
    record.refresh_from_db()
    assert record.name == "杭州西湖超市" and not VerificationCall.objects.exists()


def test_cus5_only_editors_record_a_call(people):
    _rep, reader, stranger, record = people
    with pytest.raises(PermissionDenied):
        record_call(reader, record)
    with pytest.raises(Http404):
        record_call(stranger, record)
    assert not VerificationCall.objects.exists()


# --- pages ----------------------------------------------------------------------------------------


def test_cus5_the_script_page_guides_the_call(client, people, organization):
    rep, _reader, _stranger, record = people
    client.force_login(rep)
    page = client.get(reverse("customers:verify", args=[record.pk])).content.decode()
    for step in ("introduce", "purpose", "name", "address", "mobile", "record"):
        assert f'data-step="{step}"' in page
    assert rep.full_name in page and organization.name in page  # "this is 王内勤 from 测试公司…"
    assert "杭州西湖超市" in page and "文三路90号" in page and "0571 8888 6666" in page


def test_cus5_recording_through_the_page_updates_the_archive(client, people):
    rep, _reader, _stranger, record = people
    client.force_login(rep)
    response = client.post(
        reverse("customers:verify", args=[record.pk]),
        {
            "called_number": "0571 8888 6666",
            "reached": "on",
            "name_check": "confirmed",
            "address_check": "corrected",
            "corrected_address": "浙江省杭州市西湖区文一路100号",
            "mobile": "139 0000 1111",
            "gender": "male",
            "attitude": "neutral",
            "version": record.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("customers:detail", args=[record.pk])
    record.refresh_from_db()
    assert record.address == "浙江省杭州市西湖区文一路100号" and record.mobile == "139 0000 1111"
    assert record.last_verified_at is not None
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    panel = page[page.index('id="verification-panel"') :]
    assert "data-verification-call" in panel and "139 0000 1111" in panel


def test_cus5_a_bad_answer_is_shown_next_to_its_field(client, people):
    rep, _reader, _stranger, record = people
    client.force_login(rep)
    response = client.post(
        reverse("customers:verify", args=[record.pk]),
        {"called_number": "0571 8888 6666", "reached": "on", "name_check": "corrected", "corrected_name": "",
         "address_check": "confirmed", "mobile": "12", "gender": "male", "attitude": "neutral", "version": 1},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "Either confirm the shop name or write it as the customer gave it." in page
    assert "“12” is not a valid phone number" in page
    record.refresh_from_db()
    assert record.version == 1 and not VerificationCall.objects.exists()


def test_cus5_a_stale_page_says_so_and_saves_nothing(client, people):
    rep, _reader, _stranger, record = people
    Customer.objects.filter(pk=record.pk).update(version=4)
    client.force_login(rep)
    response = client.post(
        reverse("customers:verify", args=[record.pk]),
        {"called_number": "0571 8888 6666", "reached": "on", "name_check": "confirmed", "address_check": "confirmed",
         "gender": "male", "attitude": "neutral", "version": 1},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200 and "Someone else saved this customer" in response.content.decode()
    assert not VerificationCall.objects.exists()


def test_cus5_the_customer_page_shows_last_verified_and_the_calls(client, people):
    rep, reader, _stranger, record = people
    client.force_login(reader)
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    panel = page[page.index('id="verification-panel"') :]
    assert "Never" in panel or "从未" in panel
    assert reverse("customers:verify", args=[record.pk]) not in panel  # a viewer cannot record a call
    record_call(rep, record)
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    panel = page[page.index('id="verification-panel"') :]
    assert "data-verification-call" in panel and "王内勤" in panel
    client.force_login(rep)
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    assert reverse("customers:verify", args=[record.pk]) in page


def test_cus5_the_call_page_is_forbidden_to_viewers_and_hidden_from_strangers(client, people):
    _rep, reader, stranger, record = people
    client.force_login(reader)
    url = reverse("customers:verify", args=[record.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"called_number": "0571 8888 6666"}).status_code == 403
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.post(url, {"called_number": "0571 8888 6666"}).status_code == 404
    assert "杭州西湖超市" not in client.get(url).content.decode()
    assert not VerificationCall.objects.exists()


def test_cus5_calls_follow_their_customers_permissions(people):
    rep, reader, stranger, record = people
    record_call(rep, record)
    assert verification.verification_calls_visible_to(reader).count() == 1
    assert verification.verification_calls_visible_to(stranger).count() == 0
