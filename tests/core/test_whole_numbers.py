"""API-4 ("never 500 for any input") for numbers typed into query strings and forms: `"²".isdigit()`
is true and `int("²")` fails, so every place that read an id, a page, a version or a month count
with `isdigit` answered such input with a server error. They all read it with
`core.forms.whole_number` now."""

import pytest
from django.urls import reverse

from qiao.core.forms import MAX_ID, whole_number
from qiao.sales.models import Stage
from tests.permissions_helpers import customer

ODD = ["²", "١٢", "-1", "1.5", " 7", str(MAX_ID + 1), "", None]


@pytest.mark.parametrize("value", ODD)
def test_whole_number_takes_only_ascii_digits_within_a_database_integer(value):
    assert whole_number(value) is None
    assert whole_number(value, default=6) == 6


def test_whole_number_reads_what_it_should():
    assert whole_number("0") == 0
    assert whole_number(42) == 42
    assert whole_number(str(MAX_ID)) == MAX_ID


@pytest.mark.parametrize("odd", ["²", "9" * 25])
def test_no_page_answers_an_odd_number_with_a_server_error(client, admin_user, organization, odd):
    record = customer(organization, name="杭州联华超市", owner=admin_user)
    stage = Stage.objects.filter(org=organization, kind="open").first()
    client.force_login(admin_user)
    client.raise_request_exception = False
    gets = [
        f"{reverse('opportunities:forecast')}?months={odd}",
        f"{reverse('opportunities:kanban_column', args=[stage.pk])}?page={odd}",
        f"{reverse('opportunities:add')}?customer={odd}",
        f"{reverse('customers:merge')}?ids={odd}&ids={record.pk}",
        f"{reverse('customers:duplicate_check')}?name=联华&exclude={odd}",
        f"{reverse('knowledge:home')}?category={odd}",
        f"{reverse('explain_viewers')}?target_type=customer&target_id={odd}",
        f"{reverse('explain')}?user={odd}&target_type=customer&target_id={odd}",
    ]
    for path in gets:
        assert client.get(path).status_code < 500, path
    posts = [
        (reverse("customers:targets"), {f"target-{odd}": "5"}),
        (reverse("customers:birthday_greet"), {"customer": odd, "contact": odd}),
        (reverse("customers:add"), {"name": "杭州联华超市", "owner": odd}),
        (reverse("view_as_start"), {"user": odd}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code < 500, path


@pytest.mark.parametrize("odd", ["²", "9" * 25])
def test_no_api_answers_an_odd_number_with_a_server_error(admin_api, odd):
    admin_api.raise_request_exception = False
    for path in [
        f"/api/v1/opportunities/forecast/?months={odd}",
        f"/api/v1/competitors/?opportunity={odd}",
        f"/api/v1/comments/?target_type=customer&target_id={odd}",
        f"/api/v1/attachments/?target_type=customer&target_id={odd}",
        f"/api/v1/knowledge/links/?article={odd}",
        f"/api/v1/customers/?tag={odd}",
        f"/api/v1/access/viewers/?target_type=customer&target_id={odd}",
        f"/api/v1/access/explain/?user={odd}&target_type=customer&target_id={odd}",
    ]:
        assert admin_api.get(path).status_code < 500, path
