"""ORG-1 (department tree rules), ORG-2 (employees), API-6 (createorg) through the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qiao.core import permissions
from qiao.core.forms import error_codes
from qiao.org import services
from qiao.org.errors import OrgError
from qiao.org.models import Department, Organization, User
from tests.factories import PASSWORD, EmployeeFactory


def department(organization, name):
    return Department.objects.get(org=organization, name=name)


@pytest.mark.django_db
class TestOrganizationCreate:
    def test_api6_creates_root_department_and_admin_with_every_permission(self):
        organization, admin = services.organization_create(
            name="桥梁贸易有限公司", admin_username="boss", admin_password=PASSWORD
        )
        root = organization.root_department
        assert root.is_root() and root.name == "桥梁贸易有限公司"
        assert admin.department == root and admin.org == organization
        assert admin.check_password(PASSWORD)
        for code in permissions.all_codes():
            assert admin.has_code(code.code)

    def test_api6_refuses_a_taken_name_and_username_and_writes_nothing(self):
        services.organization_create(name="甲公司", admin_username="boss", admin_password=PASSWORD)
        with pytest.raises(ValidationError) as error:
            services.organization_create(name="甲公司", admin_username="other", admin_password=PASSWORD)
        assert error_codes(error.value) == {OrgError.NAME_TAKEN}
        with pytest.raises(ValidationError) as error:
            services.organization_create(name="乙公司", admin_username="BOSS", admin_password=PASSWORD)
        assert "username" in error.value.message_dict
        assert not Organization.objects.filter(name="乙公司").exists()

    def test_api6_refuses_a_weak_password_atomically(self):
        with pytest.raises(ValidationError) as error:
            services.organization_create(name="丙公司", admin_username="boss", admin_password="123")
        assert "password" in error.value.message_dict
        assert not Organization.objects.filter(name="丙公司").exists()
        assert not Department.objects.filter(name="丙公司").exists()


class TestDepartments:
    def test_org1_add_rename_and_move(self, admin_user, organization):
        sales = department(organization, "销售部")
        south = services.department_create(actor=admin_user, parent=sales, name="华南组")
        assert Department.objects.get_parent(south) == sales and south.depth == 3
        services.department_update(actor=admin_user, department=south, name="华南大区")
        service = department(organization, "客服部")
        moved = services.department_update(actor=admin_user, department=south, parent=service)
        assert Department.objects.get_parent(moved) == service and moved.name == "华南大区"

    def test_org1_never_moves_under_its_own_subtree(self, admin_user, organization):
        sales = department(organization, "销售部")
        east = department(organization, "华东组")
        for target in (sales, east):
            with pytest.raises(ValidationError) as error:
                services.department_update(actor=admin_user, department=sales, parent=target)
            assert error_codes(error.value) == {OrgError.MOVE_INTO_SUBTREE}
        assert Department.objects.get_parent(Department.objects.get(pk=east.pk)) == sales

    def test_org1_root_stays_root(self, admin_user, organization):
        root = organization.root_department
        with pytest.raises(ValidationError):
            services.department_update(actor=admin_user, department=root, parent=department(organization, "客服部"))
        with pytest.raises(ValidationError):
            services.department_delete(actor=admin_user, department=root)

    def test_org1_removes_only_empty_departments(self, admin_user, organization):
        sales = department(organization, "销售部")
        with pytest.raises(ValidationError) as error:
            services.department_delete(actor=admin_user, department=sales)
        assert error_codes(error.value) == {OrgError.DEPARTMENT_NOT_EMPTY}
        service = department(organization, "客服部")
        EmployeeFactory(org=organization, department=service)
        with pytest.raises(ValidationError):
            services.department_delete(actor=admin_user, department=service)
        east = department(organization, "华东组")
        services.department_delete(actor=admin_user, department=east)
        assert not Department.objects.filter(pk=east.pk).exists()

    def test_sibling_names_are_unique(self, admin_user, organization):
        with pytest.raises(ValidationError) as error:
            services.department_create(actor=admin_user, parent=organization.root_department, name="销售部")
        assert error_codes(error.value) == {OrgError.DUPLICATE_DEPARTMENT_NAME}

    def test_writes_need_org_manage(self, employee, organization):
        with pytest.raises(PermissionDenied):
            services.department_create(actor=employee, parent=organization.root_department, name="新部门")

    def test_another_organizations_department_is_unknown(self, admin_user, other_organization):
        with pytest.raises(ValidationError) as error:
            services.department_create(actor=admin_user, parent=other_organization.root_department, name="渗透")
        assert error_codes(error.value) == {OrgError.UNKNOWN_DEPARTMENT}


class TestEmployees:
    def test_org2_create_with_department_and_roles(self, admin_user, organization):
        sales = department(organization, "销售部")
        role = organization.roles.first()
        user = services.employee_create(
            actor=admin_user,
            username="lisi",
            password=PASSWORD,
            full_name="李四",
            department=sales,
            roles=[role],
            phone="13912345678",
            position="销售代表",
        )
        assert user.org == organization and user.department == sales
        assert list(user.roles.all()) == [role]
        assert user.check_password(PASSWORD)

    def test_org2_deactivating_keeps_the_employee(self, admin_user, employee):
        services.employee_update(actor=admin_user, employee=employee, is_active=False)
        employee.refresh_from_db()
        assert employee.is_active is False
        assert User.objects.filter(pk=employee.pk).exists()

    def test_an_admin_cannot_deactivate_themselves(self, admin_user):
        with pytest.raises(ValidationError):
            services.employee_update(actor=admin_user, employee=admin_user, is_active=False)

    def test_bad_phone_is_named(self, admin_user, employee):
        with pytest.raises(ValidationError) as error:
            services.employee_update(actor=admin_user, employee=employee, phone="call me")
        assert "phone" in error.value.message_dict

    def test_employees_cannot_manage_colleagues(self, employee, admin_user):
        with pytest.raises(PermissionDenied):
            services.employee_update(actor=employee, employee=admin_user, position="nobody")


@pytest.mark.django_db
def test_creating_an_organization_leaves_other_tenants_trees_untouched():
    """Roots are siblings in one tree table; a new tenant must not renumber another's paths."""
    services.organization_create(name="甲公司", admin_username="boss_a", admin_password=PASSWORD)
    before = dict(Department.objects.values_list("pk", "path"))
    services.organization_create(name="乙公司", admin_username="boss_b", admin_password=PASSWORD)  # sorts first
    after = dict(Department.objects.values_list("pk", "path"))
    assert {pk: after[pk] for pk in before} == before
