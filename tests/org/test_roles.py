"""ORG-3 (roles, codes, data scopes in the API-5 shape, the editor matrix), ORG-4 (default role
templates) and ORG-6 (handover)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from qiao.activities.models import Activity
from qiao.core import notifications
from qiao.core.forms import error_codes
from qiao.core.permissions import Scope, scopes_of
from qiao.customers.models import Customer
from qiao.org import services
from qiao.org.errors import OrgError
from qiao.org.models import Role
from tests.permissions_helpers import activity, customer, employee, fresh, lead, role
from tests.sales.helpers import opportunity


def test_org3_permissions_endpoint_lists_every_code(employee_api):
    codes = {row["code"] for row in employee_api.get("/api/v1/permissions/").json()}
    assert {
        "customer.view",
        "customer.add",
        "customer.change",
        "customer.delete",
        "org.manage",
        "activity.view",
    } <= codes


def test_org4_new_organizations_get_the_seed_role_templates(organization):
    names = set(organization.roles.values_list("name", flat=True))
    assert len(names) == 8
    supervisor = organization.roles.order_by("pk").first()
    assert supervisor.data_scopes["customer"] == {"view": "all", "edit": "all", "delete": "all"}
    intern = organization.roles.order_by("pk").last()
    assert intern.data_scopes["customer"]["view"] == "owner"


class TestRolesAPI:
    def test_api5_shape_round_trips(self, admin_api):
        body = {
            "name": "区域经理",
            "permissions": ["customer.view", "customer.change"],
            "data_scopes": {
                "customer": {"view": "related_department", "edit": "owner_department", "delete": "none"},
                "activity": {"view": "owner_department", "owned_objects": True, "visible_objects": False},
            },
        }
        created = admin_api.post("/api/v1/roles/", body, format="json")
        assert created.status_code == 201, created.json()
        data = created.json()
        assert data["permissions"] == ["customer.change", "customer.view"]
        assert data["data_scopes"]["customer"] == body["data_scopes"]["customer"]
        assert data["data_scopes"]["activity"] == {
            "view": "owner_department",
            "edit": "none",
            "delete": "none",
            "owned_objects": True,
            "visible_objects": False,
        }

    @pytest.mark.parametrize(
        "data_scopes",
        [
            {"customer": {"view": "everyone"}},
            {"spaceship": {"view": "all"}},
            {"customer": {"view": "all", "owned_objects": True}},
            {"activity": {"owned_objects": "yes"}},
            {"customer": "all"},
        ],
    )
    def test_invalid_scopes_are_a_400_naming_data_scopes(self, admin_api, data_scopes):
        response = admin_api.post("/api/v1/roles/", {"name": "坏", "data_scopes": data_scopes}, format="json")
        assert response.status_code == 400 and "data_scopes" in response.json()

    def test_unknown_codes_and_duplicate_names_are_refused(self, admin_api, organization):
        response = admin_api.post("/api/v1/roles/", {"name": "x", "permissions": ["launch.rockets"]}, format="json")
        assert response.status_code == 400 and "permissions" in response.json()
        taken = organization.roles.first().name
        assert admin_api.post("/api/v1/roles/", {"name": taken}, format="json").status_code == 400

    def test_only_org_managers_write_roles(self, employee_api, organization):
        assert employee_api.get("/api/v1/roles/").status_code == 200
        assert employee_api.post("/api/v1/roles/", {"name": "x"}, format="json").status_code == 403

    def test_a_role_in_use_is_not_removed(self, admin_api, admin_user):
        supervisor = admin_user.roles.first()
        assert admin_api.delete(f"/api/v1/roles/{supervisor.pk}/").status_code == 400
        assert Role.objects.filter(pk=supervisor.pk).exists()


class TestRoleEditor:
    def test_org3_matrix_cells_set_scopes_and_their_codes_together(self, client, admin_user, organization):
        client.force_login(admin_user)
        response = client.post(
            reverse("org:role_add"),
            {
                "name": "门店督导",
                "scope-customer-view": "owner_department",
                "scope-customer-edit": "owner",
                "scope-customer-delete": "none",
                "add-customer": "on",
                "scope-activity-view": "related_employee",
                "switch-activity-visible_objects": "on",
                "codes": ["org.manage"],
            },
        )
        assert response.status_code == 302
        saved = Role.objects.get(org=organization, name="门店督导")
        assert saved.data_scopes["customer"] == {"view": "owner_department", "edit": "owner", "delete": "none"}
        assert saved.data_scopes["activity"]["visible_objects"] is True
        assert {"customer.view", "customer.change", "customer.add", "activity.view", "org.manage"} == set(
            saved.permissions
        )
        holder = employee(organization, "销售部", saved)
        assert scopes_of(holder).scope("customer", "view") == Scope.OWNER_DEPARTMENT
        assert scopes_of(holder).scope("customer", "delete") == Scope.NONE

    def test_a_refused_save_keeps_what_was_chosen(self, client, admin_user, organization):
        client.force_login(admin_user)
        taken = organization.roles.first().name
        response = client.post(reverse("org:role_add"), {"name": taken, "scope-customer-view": "all"})
        assert response.status_code == 200 and response.context["errors"]
        row = next(r for r in response.context["matrix"] if r["kind"].code == "customer")
        assert row["cells"][0]["scope"] == "all"

    def test_the_list_shows_which_customers_each_role_sees(self, client, admin_user, organization):
        wide = role(organization, "大区经理", view="related_department")
        without_the_code = role(organization, "只有范围", view="all")
        without_the_code.permissions = [code for code in without_the_code.permissions if code != "customer.view"]
        without_the_code.save()
        client.force_login(admin_user)
        response = client.get(reverse("org:role_list"), HTTP_ACCEPT_LANGUAGE="en")
        shown = {r.pk: r.customer_view for r in response.context["roles"]}
        assert shown[wide.pk] == Scope.RELATED_DEPARTMENT
        assert shown[without_the_code.pk] == Scope.NONE  # as the engine counts it: no code, no scope (PERM-1)
        assert "Related department (with sub-departments)" in response.content.decode()

    def test_the_editor_is_for_org_managers(self, client, employee):
        client.force_login(employee)
        assert client.get(reverse("org:role_add")).status_code == 403


class TestOrg6Handover:
    def test_org6_customers_and_open_activities_move_in_one_step_with_history(self, admin_user, organization):
        leaving = employee(organization, "销售部", role(organization, "rep", view="owner", edit="owner"))
        successor = employee(organization, "客服部")
        first = customer(organization, name="甲", owner=leaving)
        second = customer(organization, name="乙", owner=leaving)
        upcoming = activity(organization, owner=leaving, starts_at=timezone.now() + timedelta(days=2))
        past = activity(organization, owner=leaving, starts_at=timezone.now() - timedelta(days=2))
        moved = services.employee_handover(actor=admin_user, leaving=leaving, successor=successor, deactivate=True)
        assert moved == 3
        for record in (first, second):
            record.refresh_from_db()
            assert record.owner == successor and record.owner_department == successor.department
            latest = record.history.first()
            assert successor.full_name in latest.history_change_reason and latest.history_user == admin_user
            assert (latest.version, record.version) == (2, 2)
        assert Activity.objects.get(pk=upcoming.pk).owner == successor
        assert Activity.objects.get(pk=past.pk).owner == leaving
        assert fresh(leaving).is_active is False
        assert Customer.objects.filter(owner=leaving).count() == 0
        # The successor hears of it; nothing more to move, nothing more to hear.
        with translation.override("en"):
            (told,) = notifications.with_links(successor, notifications.inbox(successor))
            assert told.text == f"{admin_user.full_name} handed 3 records of {leaving.full_name} over to you."
        assert services.employee_handover(actor=admin_user, leaving=leaving, successor=successor) == 0
        assert notifications.inbox(successor).count() == 1 and not notifications.inbox(admin_user).exists()

    def test_org6_every_kind_of_record_moves_and_the_page_says_what_will(self, client, admin_user, organization):
        leaving = employee(organization, "销售部", role(organization, "rep", view="owner", edit="owner"))
        successor = employee(organization, "客服部")
        bystander = employee(organization, "销售部")
        customer(organization, name="甲", owner=leaving)
        customer(organization, name="乙", owner=leaving)
        customer(organization, name="丙", owner=bystander)
        their_lead = lead(organization, owner=leaving)
        deal = opportunity(organization, leaving)
        activity(organization, owner=leaving, starts_at=timezone.now() + timedelta(days=1))
        activity(organization, owner=leaving, starts_at=timezone.now() - timedelta(days=1))
        expected = [
            ("customer", "客户", 2),
            ("lead", "线索", 1),
            ("opportunity", "商机", 1),
            ("activity", "待进行的行动", 1),
        ]
        with translation.override("zh-hans"):
            assert sorted(map(tuple, services.handover_summary(leaving))) == sorted(expected)
            client.force_login(admin_user)
            page = client.get(reverse("org:employee_handover", args=[leaving.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        for type_code, what, count in expected:
            assert f'data-type="{type_code}">{what} <strong class="ms-1">{count}</strong>' in page.content.decode()
        with translation.override("en"):  # labels as headings, like the page's other chips
            assert sorted(what for _code, what, _count in services.handover_summary(leaving)) == [
                "Customers",
                "Leads",
                "Opportunities",
                "Upcoming activities",
            ]
        assert services.employee_handover(actor=admin_user, leaving=leaving, successor=successor) == 5
        assert fresh(their_lead).owner == successor and fresh(deal).owner == successor
        assert services.handover_summary(leaving) == []
        page = client.get(reverse("org:employee_handover", args=[leaving.pk]), HTTP_ACCEPT_LANGUAGE="en")
        assert "owns no records and has no upcoming activities" in page.content.decode()

    def test_org6_between_employees_with_the_longest_names(self, admin_user, organization):
        """The history's reason names both (100 characters each; on PostgreSQL this failed)."""
        leaving = employee(organization, "销售部", full_name="离" * 100)
        successor = employee(organization, "客服部", full_name="接" * 100)
        record = customer(organization, owner=leaving)
        assert services.employee_handover(actor=admin_user, leaving=leaving, successor=successor) == 1
        assert "离" * 100 in record.history.first().history_change_reason

    def test_org6_through_the_api(self, admin_api, employee_api, admin_user, organization):
        leaving = employee(organization, "销售部", role(organization, "rep", view="owner", edit="owner"))
        successor = employee(organization, "客服部")
        customer(organization, name="甲", owner=leaving)
        path = f"/api/v1/users/{leaving.pk}/handover/"
        assert admin_api.get(path).json()["will_move"] == [{"type": "customer", "label": "客户", "count": 1}]
        assert employee_api.get(path).status_code == 403
        assert employee_api.post(path, {"successor": successor.pk}).status_code == 403
        refused = admin_api.post(path, {"successor": leaving.pk})
        assert refused.status_code == 400 and "successor" in refused.json()
        assert admin_api.post(path, {"successor": 999999}).status_code == 400
        assert admin_api.post(path, {"successor": successor.pk, "deactivate": True}).json() == {"moved": 1}
        assert Customer.objects.get(name="甲").owner == successor and fresh(leaving).is_active is False
        assert admin_api.get(path).json()["will_move"] == []

    def test_org6_page_for_managers_only(self, client, admin_user, employee, organization):
        client.force_login(admin_user)
        successor = employee.__class__.objects.exclude(pk=employee.pk).filter(org=organization).first()
        response = client.post(reverse("org:employee_handover", args=[employee.pk]), {"successor": successor.pk})
        assert response.status_code == 302
        client.force_login(employee)
        assert client.get(reverse("org:employee_handover", args=[employee.pk])).status_code == 403

    def test_org6_handing_over_to_oneself_is_refused(self, admin_user, employee):
        with pytest.raises(ValidationError) as error:
            services.employee_handover(actor=admin_user, leaving=employee, successor=employee)
        assert error_codes(error.value) == {OrgError.SAME_EMPLOYEE}
