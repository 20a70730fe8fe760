"""Every list page's table takes `?per_page=` from the address bar (django-tables2): a page holds 1 to
MOST_PER_PAGE rows whatever it says; below one the paginator failed with a server error (API-4's
"no input makes a 500", for pages)."""

import re

import pytest
from django.urls import reverse

from qiao.core.tables import MOST_PER_PAGE
from tests.permissions_helpers import customer

LISTS = [
    "customers:list",
    "customers:pool",
    "customers:leads:list",
    "opportunities:list",
    "contracts:list",
    "org:employee_list",
]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("per_page", ["-1", "0", "-99999999999"])
def test_a_page_size_below_one_is_a_page_of_the_default_or_one(client, admin_user, name, per_page):
    client.force_login(admin_user)
    assert client.get(reverse(name), {"per_page": per_page}).status_code == 200


def test_a_page_holds_at_most_most_per_page_rows(client, admin_user, organization):
    for number in range(MOST_PER_PAGE + 5):
        customer(organization, name=f"客户{number:03d}", owner=admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("customers:list"), {"per_page": 1_000_000}).content.decode()
    assert len(re.findall(r"客户\d{3}", page)) == MOST_PER_PAGE
