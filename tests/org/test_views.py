"""The organization pages: the address book table (sorting, filtering, pagination, htmx refresh),
employee forms with inline errors, departments, and tenant isolation."""

import re

import pytest
from django.urls import reverse

from qiao.org.models import Department, User
from tests.factories import PASSWORD, EmployeeFactory


def dept(organization, name):
    return Department.objects.get(org=organization, name=name)


@pytest.fixture
def staff(organization):
    """Five people in 华东组 (under 销售部) and three in 客服部."""
    east = dept(organization, "华东组")
    service = dept(organization, "客服部")
    return [EmployeeFactory(org=organization, department=east, full_name=f"华东{i}") for i in range(5)] + [
        EmployeeFactory(org=organization, department=service, full_name=f"客服{i}") for i in range(3)
    ]


def names_in(response) -> list[str]:
    return re.findall(r'<a href="/org/employees/\d+/">([^<]+)</a>', response.content.decode())


class TestEmployeeList:
    def test_department_filter_includes_sub_departments(self, client, employee, staff, organization):
        client.force_login(employee)
        response = client.get(reverse("org:employee_list"), {"department": dept(organization, "销售部").pk})
        names = names_in(response)
        assert {f"华东{i}" for i in range(5)} <= set(names)
        assert not any(name.startswith("客服") for name in names)

    def test_search_by_name_and_phone(self, client, employee, staff):
        client.force_login(employee)
        assert names_in(client.get(reverse("org:employee_list"), {"q": "客服1"})) == ["客服1"]
        assert names_in(client.get(reverse("org:employee_list"), {"q": staff[0].phone})) == ["华东0"]

    def test_org5_current_colleagues_by_default_former_ones_on_request(self, client, employee, staff):
        staff[0].is_active = False
        staff[0].save()
        client.force_login(employee)
        listed = client.get(reverse("org:employee_list"), {"q": "华东"})
        assert "华东0" not in names_in(listed) and "华东1" in names_in(listed)
        assert listed.context["filter"].form["is_active"].value() == "true"  # the select says so
        assert "华东0" in names_in(client.get(reverse("org:employee_list"), {"q": "华东", "is_active": ""}))
        assert names_in(client.get(reverse("org:employee_list"), {"q": "华东", "is_active": "false"})) == ["华东0"]

    def test_sorting_by_name_both_ways(self, client, employee, staff):
        client.force_login(employee)
        ascending = names_in(client.get(reverse("org:employee_list"), {"sort": "full_name", "q": "华东"}))
        descending = names_in(client.get(reverse("org:employee_list"), {"sort": "-full_name", "q": "华东"}))
        assert ascending == sorted(ascending) and descending == ascending[::-1]

    def test_pagination(self, client, employee, organization):
        EmployeeFactory.create_batch(30, org=organization, department=organization.root_department)
        client.force_login(employee)
        first, second = (client.get(reverse("org:employee_list"), {"page": n}) for n in (1, 2))
        assert len(names_in(first)) == 25 and len(names_in(second)) == 7  # 30 + admin + employee
        assert not set(names_in(first)) & set(names_in(second))

    def test_htmx_refresh_returns_only_the_results(self, client, employee, staff):
        client.force_login(employee)
        response = client.get(reverse("org:employee_list"), {"q": "华东"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="employee-results"')
        assert "<html" not in html and len(names_in(response)) == 5

    def test_query_budget_does_not_grow_with_rows(self, client, employee, organization, django_assert_max_num_queries):
        EmployeeFactory.create_batch(60, org=organization, department=dept(organization, "华东组"))
        client.force_login(employee)
        with django_assert_max_num_queries(12):
            assert client.get(reverse("org:employee_list")).status_code == 200

    def test_other_organizations_employees_never_appear(self, client, employee, other_organization):
        stranger = EmployeeFactory(org=other_organization, department=other_organization.root_department)
        client.force_login(employee)
        assert names_in(client.get(reverse("org:employee_list"), {"q": stranger.full_name})) == []
        assert client.get(reverse("org:employee_detail", args=[stranger.pk])).status_code == 404
        foreign_department = other_organization.root_department.pk
        response = client.get(reverse("org:employee_list"), {"department": foreign_department})
        assert stranger.full_name not in names_in(response)
        assert "department" in response.context["filter"].form.errors


class TestEmployeeForm:
    def test_inline_errors_next_to_each_field_and_nothing_saved(self, client, admin_user, organization):
        client.force_login(admin_user)
        count = User.objects.count()
        response = client.post(
            reverse("org:employee_add"),
            {"username": "", "full_name": "", "department": "", "phone": "call me", "password": "123"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert {"username", "full_name", "department", "phone"} <= set(form.errors)
        html = response.content.decode()
        assert html.count("invalid-feedback") >= 4 and 'aria-invalid="true"' in html
        assert User.objects.count() == count

    def test_role_boxes_are_drawn_as_the_ui_kit_draws_check_boxes(self, client, admin_user, organization):
        client.force_login(admin_user)
        html = client.get(reverse("org:employee_add")).content.decode()
        boxes = re.findall(r'<input type="checkbox" name="roles"[^>]*>', html)
        assert len(boxes) == organization.roles.count()
        assert all('class="form-check-input"' in box for box in boxes)

    def test_weak_password_and_taken_username_come_back_from_the_service(self, client, admin_user, employee):
        client.force_login(admin_user)
        data = {
            "username": employee.username.upper(),
            "full_name": "新人",
            "department": employee.department_id,
            "password": PASSWORD,
        }
        response = client.post(reverse("org:employee_add"), data)
        assert "username" in response.context["form"].errors
        response = client.post(reverse("org:employee_add"), data | {"username": "newbie", "password": "12345678"})
        assert "password" in response.context["form"].errors

    def test_create_then_edit(self, client, admin_user, organization):
        client.force_login(admin_user)
        service = dept(organization, "客服部")
        response = client.post(
            reverse("org:employee_add"),
            {"username": "xiaomei", "full_name": "小美", "department": service.pk, "password": PASSWORD},
        )
        created = User.objects.get(username="xiaomei")
        assert response.status_code == 302 and response["Location"] == reverse("org:employee_detail", args=[created.pk])
        response = client.post(
            reverse("org:employee_edit", args=[created.pk]),
            {"username": "xiaomei", "full_name": "王小美", "department": service.pk, "is_active": "on"},
        )
        assert response.status_code == 302
        created.refresh_from_db()
        assert created.full_name == "王小美" and created.check_password(PASSWORD)

    def test_employees_without_org_manage_are_refused(self, client, employee):
        client.force_login(employee)
        assert client.get(reverse("org:employee_add")).status_code == 403
        assert client.post(reverse("org:employee_edit", args=[employee.pk]), {"full_name": "x"}).status_code == 403


def test_department_page_counts_staff_with_sub_departments(client, employee, staff, organization):
    client.force_login(employee)
    response = client.get(reverse("org:department_list"))
    rows = {d.name: d for d in response.context["departments"]}
    assert rows["华东组"].direct_count == 5 and rows["销售部"].subtree_count == 5
    assert rows[organization.name].subtree_count == 1 + 1 + 8  # the admin, the employee fixture, the staff


def test_workbench_shows_real_numbers(client, employee, staff, organization):
    client.force_login(employee)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    active = User.objects.filter(org=organization, is_active=True).count()
    assert f'data-testid="employee-count">{active}<' in html
    assert "销售部" in html  # the chart, by first-level department


class TestSystemPage:
    def test_admin_sends_a_test_task_and_sees_its_state(self, client, admin_user, tmp_path, celery_conf):
        folder = str(tmp_path)
        celery_conf(
            broker_transport_options={"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder}
        )
        client.force_login(admin_user)
        assert client.get(reverse("system_status")).status_code == 200
        row = client.post(reverse("system_send_test_task")).content.decode()
        task_id = re.search(r'id="task-([0-9a-f-]+)"', row).group(1)
        assert "hx-trigger" in row  # it polls until a worker answers
        assert client.get(reverse("system_task_state", args=[task_id])).status_code == 200
        assert client.get(reverse("system_task_state", args=["someone-elses-task"])).status_code == 404

    def test_employees_are_refused(self, client, employee):
        client.force_login(employee)
        assert client.get(reverse("system_status")).status_code == 403
        assert client.post(reverse("system_send_test_task")).status_code == 403
