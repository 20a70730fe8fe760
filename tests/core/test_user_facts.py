"""What the permission engine asks about every user (their roles, ORG-3; the public pool's
departments, CUS-12), read in the query that loads the user (core/permissions/facts.py): the same
answers as the engine's own queries give, and no query of their own on a request."""

import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from qiao.core.authentication import ModelBackend
from qiao.core.permissions import scopes_of, user_fact, with_user_facts
from qiao.core.permissions.scopes import ROLES
from qiao.customers.models import CustomerSettings
from qiao.customers.pool import POOL_DEPARTMENTS, customer_settings, pool_is_open_to
from qiao.org.models import Department
from tests.factories import EmployeeFactory
from tests.permissions_helpers import customer, employee, role


@pytest.mark.parametrize(
    ("pool_departments", "pool_open"),
    [
        ([], {"华东组": True, "客服部": True, "销售部": False, None: True}),
        (["销售部"], {"华东组": True, "客服部": False, "销售部": False, None: False}),
        (["客服部", "华东组"], {"华东组": True, "客服部": True, "销售部": False, None: False}),
    ],
)
def test_org3_cus12_facts_read_with_the_user_answer_as_the_engines_own_queries(
    organization, pool_departments, pool_open, django_assert_num_queries
):
    first = role(organization, "甲", view="owner", codes=["knowledge.browse"])
    second = role(organization, "乙", view="related_department", edit="owner", types=["customer"])
    settings = customer_settings(organization.pk)
    settings.pool_departments.set(Department.objects.filter(org=organization, name__in=pool_departments))
    users = {
        "华东组": employee(organization, "华东组", first, second),
        "客服部": employee(organization, "客服部", second),
        "销售部": employee(organization, "销售部"),  # no role: no customer.view, so no pool
        None: EmployeeFactory(org=organization, department=None),
    }
    users[None].roles.set([second, first])
    loaded = {}
    for department, user in users.items():
        loaded[department] = with_user_facts(get_user_model().objects.select_related("department")).get(pk=user.pk)
        with django_assert_num_queries(0):
            scopes, pool = scopes_of(loaded[department]), pool_is_open_to(loaded[department])
        plain = get_user_model().objects.get(pk=user.pk)
        assert (scopes, pool) == (scopes_of(plain), pool_is_open_to(plain)), department
        assert pool is pool_open[department], department
    # The roles in the order they were made, whatever order they were given in.
    for department in ("华东组", None):
        assert [grant.role for grant in scopes_of(loaded[department]).grants[("customer", "view")]] == ["甲", "乙"]
    assert "knowledge.browse" in scopes_of(loaded[None]).codes


def test_org3_facts_of_a_user_without_organization_or_pool_settings(organization, django_assert_num_queries):
    """A platform operator (no organization) has no roles; an organization that never saved its
    customer settings has the pool open to everyone with customer.view."""
    operator = EmployeeFactory(org=None, department=None)
    rep = employee(organization, "客服部", role(organization, "代表", view="owner"))
    CustomerSettings.objects.filter(org=organization).delete()
    users = with_user_facts(get_user_model().objects.select_related("department"))
    loaded_operator, loaded_rep = users.get(pk=operator.pk), users.get(pk=rep.pk)
    with django_assert_num_queries(0):
        assert user_fact(loaded_operator, ROLES) == [] and user_fact(loaded_operator, POOL_DEPARTMENTS) == []
        assert scopes_of(loaded_rep).scope("customer", "view").code == "owner"
        assert pool_is_open_to(loaded_rep)


def test_org3_a_token_request_reads_the_roles_and_the_pool_with_its_user(organization, django_assert_num_queries):
    rep = employee(organization, "华东组", role(organization, "代表", view="owner"))
    customer(organization, name="mine", owner=rep)
    customer(organization, name="pooled")
    customer(organization, name="a colleague's", owner=employee(organization, "华东组"))
    client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=rep).key}")
    # The token with its user, department and facts; the count; the page.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/customers/")
    assert sorted(row["name"] for row in response.json()["results"]) == ["mine", "pooled"]


def test_org3_a_page_request_reads_its_user_with_the_facts(client, organization):
    rep = employee(organization, "华东组", role(organization, "代表", view="owner"))
    client.force_login(rep)
    response = client.get(reverse("workbench"))
    assert response.status_code == 200
    request_user = vars(response.wsgi_request.user._wrapped)
    assert ROLES.attribute in request_user and POOL_DEPARTMENTS.attribute in request_user


def test_org3_the_session_backend_loads_the_user_with_the_facts(organization, django_assert_num_queries):
    rep = employee(organization, "华东组", role(organization, "代表", view="owner"))
    loaded = ModelBackend().get_user(rep.pk)
    with django_assert_num_queries(0):
        assert scopes_of(loaded).scope("customer", "view").code == "owner"
        assert pool_is_open_to(loaded)
        assert loaded.department.name == "华东组"
        assert loaded.org.time_zone == "Asia/Shanghai"
    rep.is_active = False
    rep.save()
    assert ModelBackend().get_user(rep.pk) is None


def test_a_token_request_shows_times_in_its_organizations_time_zone(organization):
    """DRF reads the token after the time zone middleware ran for an anonymous request; the
    token's authentication then activates the organization's zone."""
    organization.time_zone = "America/New_York"
    organization.save()
    rep = employee(organization, "华东组", role(organization, "代表", view="owner"))
    mine = customer(organization, name="mine", owner=rep)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=rep).key}")
    created = client.get("/api/v1/customers/").json()["results"][0]["created_at"]
    expected = mine.created_at.astimezone(zoneinfo.ZoneInfo("America/New_York")).isoformat()
    assert created == expected and created.endswith(("-05:00", "-04:00"))
