"""Every page and route answers without a server error for every kind of user, in both languages,
and no page refers to anything outside the server (NFR-1, NFR-6, NFR-7)."""

import re

import pytest

from tests.urlwalk import routes

OUTSIDE_REFERENCE = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//(?!testserver)""", re.I)
ALL_ROUTES = sorted({route.path: route for route in routes()}.values(), key=lambda r: r.path)


def test_the_walk_finds_the_routes():
    paths = {route.path for route in ALL_ROUTES}
    assert {"", "org/employees/", "org/employees/<int:pk>/", "api/v1/users/<pk>/", "healthz"} <= paths


@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda route: route.path or "/")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_server_error_and_nothing_from_outside(client, admin_user, employee, route, language):
    for user in (admin_user, employee, None):
        client.logout()
        if user is not None:
            client.force_login(user)
        url = route.url(pk=employee.pk, task_id="unknown", format="json")
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code < 500, (url, user)
        if response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            assert not OUTSIDE_REFERENCE.search(html), (url, OUTSIDE_REFERENCE.search(html).group(0))


@pytest.mark.parametrize(
    ("url_name", "label"),
    [("customers:list", "Customers"), ("customers:leads:list", "Leads"), ("customers:pool", "Public pool")],
)
def test_the_menu_marks_one_item_the_one_of_the_page(client, admin_user, url_name, label):
    """The leads' pages lie under /customers/; on them the menu marks Leads, not Customers too."""
    from django.urls import reverse

    client.force_login(admin_user)
    response = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="en")
    active = re.findall(r'<li class="nav-item active">.*?nav-link-title">([^<]+)<', response.content.decode(), re.S)
    assert active == [label]
