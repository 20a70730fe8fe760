"""No input may produce a server error (API-4), nor an error about a field nobody typed. Names as
long as their fields allow, in Chinese, spell out to more pinyin than the search-key columns hold,
and characters that Unicode normalization expands make name keys longer than their names:
PostgreSQL refused such rows (a 500 on saving a customer, a contact or a lead); now the keys are
cut to their columns (core.models.SearchKeyField, customers/chinese/company_names.py `CompanyName.key`) and the
records can still be found. The longest address left a street longer than its column."""

import pytest

from qiao.core.imports import services
from qiao.customers import chinese
from qiao.customers.models import Contact, Customer, Lead
from tests.customers.test_customer_import import checked

pytestmark = pytest.mark.django_db

CUSTOMERS, CONTACTS, LEADS = "/api/v1/customers/", "/api/v1/contacts/", "/api/v1/leads/"
LONGEST_NAME = "庄" * 200  # zhuang: 1,200 letters of pinyin for a 200-character field


def test_a_customer_with_the_longest_chinese_name_is_saved_and_found(admin_api):
    response = admin_api.post(CUSTOMERS, {"name": LONGEST_NAME, "mobile": "13812345678"}, format="json")
    assert response.status_code == 201, response.json()
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.name_pinyin.startswith("zhuangzhuang") and len(customer.name_pinyin) == 400
    assert len(customer.name_initials) == 200 and customer.name_key == LONGEST_NAME
    for term in ("zhuangzhuang", "zzzz", "庄庄庄"):
        assert admin_api.get(CUSTOMERS, {"search": term}).json()["count"] == 1, term
    # Its duplicate check, which compares name keys, still finds it.
    again = admin_api.post(CUSTOMERS, {"name": LONGEST_NAME}, format="json")
    assert again.status_code == 400 and again.json()["duplicates"]

    contact = admin_api.post(CONTACTS, {"customer": customer.pk, "name": "庄" * 60}, format="json")
    assert contact.status_code == 201, contact.json()
    assert Contact.objects.get(pk=contact.json()["id"]).name_pinyin.startswith("zhuang")


def test_a_lead_with_the_longest_name_and_company_is_saved(admin_api):
    response = admin_api.post(LEADS, {"name": LONGEST_NAME, "company": "双" * 200}, format="json")
    assert response.status_code == 201, response.json()
    lead = Lead.objects.get(pk=response.json()["id"])
    assert lead.name_pinyin.startswith("zhuang") and len(lead.name_pinyin) <= 400


def test_a_name_key_that_normalization_lengthens_is_cut_the_same_way_everywhere():
    expanding = "\ufdfa" * 200  # one character that NFKC writes as eighteen
    key = chinese.company_name_key(expanding)
    assert 0 < len(key) <= chinese.NAME_KEY_LENGTH
    assert chinese.parse_company_name(expanding).key == key  # what a look-up compares with


def test_the_longest_address_fills_its_divisions_and_street(admin_api):
    """The street is what is left of the address after its divisions (CUS-9); it was refused as
    longer than its column although nobody had typed it."""
    address = "浙江省杭州市西湖区" + "文" * 246
    response = admin_api.post(CUSTOMERS, {"name": "长地址贸易", "address": address}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["province"], body["city"], body["district"]) == ("浙江省", "杭州市", "西湖区")
    assert body["street"] == "文" * 246


def test_a_search_key_is_cut_to_its_column_when_cleaned_and_when_stored_or_compared():
    """`full_clean` (the contact a registration creates runs it) and every write or exact look-up."""
    field = Contact._meta.get_field("name_pinyin")
    assert field.clean("zhuang" * 60, None) == ("zhuang" * 60)[:200]
    assert field.get_prep_value("zhuang" * 60) == ("zhuang" * 60)[:200]
    assert Customer._meta.get_field("name_key").get_prep_value("庄" * 300) == "庄" * chinese.NAME_KEY_LENGTH


def test_an_imported_customer_with_the_longest_chinese_name_is_saved_and_found(admin_user, admin_api):
    """The import writes its rows itself (COPY on PostgreSQL, core/imports/inserting.py), past the
    model's save: its search keys must be cut to their columns as a saved customer's are."""
    rows = [["客户名称", "手机"], [LONGEST_NAME, "13812345678"]]
    job = checked(admin_user, rows)
    assert job.can_commit, job.problems
    services.import_job_commit(actor=admin_user, job=job)
    customer = Customer.objects.get(name=LONGEST_NAME)
    assert len(customer.name_pinyin) == 400 and len(customer.name_initials) == 200
    assert customer.history.get().name_pinyin == customer.name_pinyin
    assert admin_api.get(CUSTOMERS, {"search": "zzzz"}).json()["count"] == 1
