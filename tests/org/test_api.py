"""`departments` and `users` (API-5) with the status codes of API-4, and tenant isolation."""

import pytest

from qiao.org.models import Department, User
from tests.factories import PASSWORD, EmployeeFactory


def dept(organization, name):
    return Department.objects.get(org=organization, name=name)


class TestDepartmentsAPI:
    def test_list_has_the_api5_fields_and_the_tree(self, employee_api, organization):
        response = employee_api.get("/api/v1/departments/")
        assert response.status_code == 200
        rows = {row["name"]: row for row in response.json()["results"]}
        assert set(rows) == {organization.name, "销售部", "华东组", "客服部"}
        assert {"id", "name", "parent"} <= set(rows["华东组"])
        assert rows["华东组"]["parent"] == rows["销售部"]["id"]
        assert rows[organization.name]["parent"] is None

    def test_create_rename_move_delete(self, admin_api, organization):
        sales = dept(organization, "销售部")
        created = admin_api.post("/api/v1/departments/", {"name": "华南组", "parent": sales.pk})
        assert created.status_code == 201, created.json()
        department_id = created.json()["id"]
        assert created.json()["parent"] == sales.pk
        service = dept(organization, "客服部")
        moved = admin_api.patch(f"/api/v1/departments/{department_id}/", {"parent": service.pk, "name": "华南"})
        assert moved.status_code == 200, moved.json()
        assert moved.json() | {"employee_count": 0} == moved.json()
        assert moved.json()["parent"] == service.pk and moved.json()["name"] == "华南"
        assert admin_api.delete(f"/api/v1/departments/{department_id}/").status_code == 204

    def test_moving_into_own_subtree_is_a_400_naming_the_field(self, admin_api, organization):
        sales, east = dept(organization, "销售部"), dept(organization, "华东组")
        response = admin_api.patch(f"/api/v1/departments/{sales.pk}/", {"parent": east.pk})
        assert response.status_code == 400
        assert "parent" in response.json()

    def test_removing_a_department_with_employees_is_a_400(self, admin_api, organization, employee):
        response = admin_api.delete(f"/api/v1/departments/{employee.department_id}/")
        assert response.status_code == 400
        assert response.json()["non_field_errors"]

    def test_employees_read_but_cannot_write(self, employee_api, organization):
        sales = dept(organization, "销售部")
        assert employee_api.get(f"/api/v1/departments/{sales.pk}/").status_code == 200
        assert employee_api.patch(f"/api/v1/departments/{sales.pk}/", {"name": "x"}).status_code == 403
        assert employee_api.post("/api/v1/departments/", {"name": "x"}).status_code == 403
        assert Department.objects.get(pk=sales.pk).name == "销售部"

    def test_another_organizations_departments_do_not_exist(self, admin_api, other_organization):
        foreign = other_organization.root_department
        assert admin_api.get(f"/api/v1/departments/{foreign.pk}/").status_code == 404
        assert admin_api.patch(f"/api/v1/departments/{foreign.pk}/", {"name": "x"}).status_code == 404
        ids = {row["id"] for row in admin_api.get("/api/v1/departments/?page_size=200").json()["results"]}
        assert foreign.pk not in ids
        response = admin_api.post("/api/v1/departments/", {"name": "x", "parent": foreign.pk})
        assert response.status_code == 400 and "parent" in response.json()


class TestUsersAPI:
    def test_create_with_write_only_password(self, admin_api, organization):
        sales = dept(organization, "销售部")
        response = admin_api.post(
            "/api/v1/users/",
            {
                "username": "wangwu",
                "password": PASSWORD,
                "full_name": "王五",
                "department": sales.pk,
                "roles": [],
            },
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert "password" not in body
        assert {"id", "username", "full_name", "department", "roles", "is_active"} <= set(body)
        assert User.objects.get(username="wangwu").check_password(PASSWORD)

    def test_bad_input_names_each_field(self, admin_api, organization):
        response = admin_api.post(
            "/api/v1/users/", {"username": "", "password": "1", "full_name": "x", "department": 999999}
        )
        assert response.status_code == 400
        assert {"username", "department"} <= set(response.json())

    def test_weak_password_is_a_400_on_password(self, admin_api, organization):
        response = admin_api.post(
            "/api/v1/users/",
            {
                "username": "zhaoliu",
                "password": "123",
                "full_name": "赵六",
                "department": organization.root_department.pk,
            },
        )
        assert response.status_code == 400 and "password" in response.json()
        assert not User.objects.filter(username="zhaoliu").exists()

    def test_org2_deactivate_instead_of_delete(self, admin_api, employee):
        assert admin_api.delete(f"/api/v1/users/{employee.pk}/").status_code == 405
        response = admin_api.patch(f"/api/v1/users/{employee.pk}/", {"is_active": False})
        assert response.status_code == 200 and response.json()["is_active"] is False

    def test_search_and_filters(self, employee_api, organization):
        EmployeeFactory(org=organization, department=dept(organization, "客服部"), full_name="客服小美")
        response = employee_api.get("/api/v1/users/?search=小美")
        assert [row["full_name"] for row in response.json()["results"]] == ["客服小美"]

    def test_another_organizations_users_are_invisible(self, admin_api, other_organization):
        stranger = EmployeeFactory(org=other_organization, department=other_organization.root_department)
        assert admin_api.get(f"/api/v1/users/{stranger.pk}/").status_code == 404
        names = {row["username"] for row in admin_api.get("/api/v1/users/?page_size=200").json()["results"]}
        assert stranger.username not in names

    @pytest.mark.parametrize("size,expected", [(1, 1), (500, 200)])
    def test_api3_page_size_is_capped_at_200(self, admin_api, organization, size, expected):
        EmployeeFactory.create_batch(201, org=organization, department=organization.root_department)
        body = admin_api.get(f"/api/v1/users/?page_size={size}").json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["count"] == 202 and len(body["results"]) == expected
