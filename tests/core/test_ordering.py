"""Lists that are read page by page end their ordering with the primary key (core/ordering.py):
records that tie on the chosen fields keep one order from page to page, in the API (API-3) and on
the list pages (CUS-4), so that paging neither repeats nor skips a record."""

import re

import django_tables2
import pytest
from django.db.models import F
from django.urls import get_resolver, reverse

from qiao.core.ordering import ending_with_primary_key, in_one_order
from qiao.core.tables import Table
from qiao.customers.models import Customer
from qiao.org.models import Department
from tests.factories import EmployeeFactory


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ([], []),
        (["name"], ["name", "pk"]),
        (["-created_at"], ["-created_at", "-pk"]),
        (["name", "-created_at"], ["name", "-created_at", "-pk"]),
        (["-created_at", "-pk"], ["-created_at", "-pk"]),
        (["name", "id"], ["name", "id"]),
    ],
)
def test_the_primary_key_ends_an_ordering_in_the_direction_of_the_last_term(ordering, expected):
    assert ending_with_primary_key(ordering, Customer) == expected


def test_an_ordering_by_expression_is_ended_in_its_direction():
    descending, ascending = F("name").desc(nulls_last=True), F("name").asc()
    assert ending_with_primary_key([descending], Customer) == [descending, "-pk"]
    assert ending_with_primary_key([ascending], Customer) == [ascending, "pk"]


@pytest.mark.django_db
def test_a_paged_queryset_gets_the_key_and_anything_else_stays_as_it_is():
    assert in_one_order(Customer.objects.order_by("name")).query.order_by == ("name", "pk")
    default = Customer.objects.all()  # the model's "-created_at", "-pk"
    assert in_one_order(default) is default
    assert in_one_order(Customer.objects.order_by()).query.order_by == ()
    results = [3, 2, 1]  # a sequence that orders itself, like a search's results
    assert in_one_order(results) is results


def test_every_table_of_the_project_pages_with_the_primary_key_last():
    get_resolver().url_patterns  # noqa: B018 (imports every view module, and so every table)

    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    ours = {cls for cls in subclasses(django_tables2.Table) if cls.__module__.startswith("qiao.")}
    assert len(ours) >= 6
    assert {cls for cls in ours if not issubclass(cls, Table)} == set()


def paged_ids(client, url: str, pattern: str, pages: int, among: list[int]) -> list[int]:
    """The ids of `among` in the order the pages show them (other links, e.g. to oneself, left out)."""
    ids = []
    for page in range(1, pages + 1):
        html = client.get(f"{url}&per_page=2&page={page}").content.decode()
        # Each row links its record once (the name column).
        ids += [pk for pk in dict.fromkeys(map(int, re.findall(pattern, html))) if pk in among]
    return ids


def test_cus4_a_clicked_column_with_ties_pages_every_customer_once(client, admin_user):
    ids = [Customer.objects.create(org=admin_user.org, name="同名贸易有限公司", owner=admin_user).pk for _ in range(7)]
    client.force_login(admin_user)
    detail = reverse("customers:detail", args=[0]).replace("0", r"(\d+)")
    for sort, expected in (("name", sorted(ids)), ("-name", sorted(ids, reverse=True))):
        url = f"{reverse('customers:list')}?sort={sort}"
        assert paged_ids(client, url, detail, pages=4, among=ids) == expected, sort


def test_org5_namesakes_in_one_department_page_once_in_the_address_book(client, admin_user):
    """Two 王伟 in one department tie on the address book's default order (department, name)."""
    department = Department.objects.get(org=admin_user.org, name="客服部")
    ids = [EmployeeFactory(org=admin_user.org, department=department, full_name="王伟").pk for _ in range(5)]
    client.force_login(admin_user)
    detail = reverse("org:employee_detail", args=[0]).replace("0", r"(\d+)")
    url = f"{reverse('org:employee_list')}?department={department.pk}&q=王伟"
    assert paged_ids(client, url, detail, pages=3, among=ids) == sorted(ids)
