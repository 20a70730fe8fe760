"""ORG-1 through the department pages: add, rename, move (never under its own subtree) and remove
(only when empty); the actions only for holders of `org.manage`, other tenants' ids unknown."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from qiao.org.models import Department
from tests.factories import EmployeeFactory


def dept(organization, name):
    return Department.objects.get(org=organization, name=name)


def parent_of(department):
    return Department.objects.get_parent(Department.objects.get(pk=department.pk))


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def manager(client, admin_user):
    """The organization's administrator, reading English (the source strings the tests match)."""
    client.force_login(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_org1_tree_shows_the_actions_to_managers(manager, organization):
    html = manager.get(reverse("org:department_list")).content.decode()
    sales = dept(organization, "销售部")
    assert f'href="{reverse("org:department_add")}?parent={sales.pk}"' in html
    assert reverse("org:department_edit", args=[sales.pk]) in html
    assert reverse("org:department_delete", args=[sales.pk]) in html
    # The root cannot be removed, so it offers no "Remove".
    assert reverse("org:department_delete", args=[organization.root_department.pk]) not in html


def test_org1_tree_hides_the_actions_from_other_employees(client, employee, organization):
    client.force_login(employee)
    html = client.get(reverse("org:department_list")).content.decode()
    assert "销售部" in html
    assert reverse("org:department_add") not in html
    assert reverse("org:department_edit", args=[dept(organization, "销售部").pk]) not in html
    assert reverse("org:department_delete", args=[dept(organization, "销售部").pk]) not in html


def test_org1_add_sub_department(manager, organization):
    sales = dept(organization, "销售部")
    form_page = manager.get(reverse("org:department_add"), {"parent": sales.pk})
    assert form_page.status_code == 200
    assert form_page.context["form"]["parent"].value() == str(sales.pk)

    response = manager.post(reverse("org:department_add"), {"name": " 华南组 ", "parent": sales.pk})
    assert response.status_code == 302 and response.url == reverse("org:department_list")
    south = dept(organization, "华南组")
    assert parent_of(south) == sales
    assert message_texts(response) == ["Added 华南组."]


def test_org1_add_shows_the_services_error_next_to_the_name(manager, organization):
    root = organization.root_department
    response = manager.post(reverse("org:department_add"), {"name": "销售部", "parent": root.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Department.objects.filter(org=organization, name="销售部").count() == 1


def test_org1_rename(manager, organization):
    east = dept(organization, "华东组")
    sales = dept(organization, "销售部")
    form_page = manager.get(reverse("org:department_edit", args=[east.pk]))
    assert form_page.context["form"]["name"].value() == "华东组"
    assert form_page.context["form"]["parent"].value() == sales.pk

    response = manager.post(reverse("org:department_edit", args=[east.pk]), {"name": "华东大区", "parent": sales.pk})
    assert response.status_code == 302
    east.refresh_from_db()
    assert east.name == "华东大区" and parent_of(east) == sales
    assert message_texts(response) == ["Saved 华东大区."]


def test_org1_rename_the_root_without_a_parent_field(manager, organization):
    root = organization.root_department
    form_page = manager.get(reverse("org:department_edit", args=[root.pk]))
    assert "parent" not in form_page.context["form"].fields
    response = manager.post(reverse("org:department_edit", args=[root.pk]), {"name": "新总部"})
    assert response.status_code == 302
    root.refresh_from_db()
    assert root.name == "新总部" and root.depth == 1


def test_org1_move(manager, organization):
    east = dept(organization, "华东组")
    service = dept(organization, "客服部")
    response = manager.post(reverse("org:department_edit", args=[east.pk]), {"name": "华东组", "parent": service.pk})
    assert response.status_code == 302
    assert parent_of(east) == service
    assert Department.objects.get_children_count(dept(organization, "销售部")) == 0


@pytest.mark.parametrize("target", ["销售部", "华东组"])
def test_org1_refuses_moving_under_its_own_subtree(manager, organization, target):
    sales = dept(organization, "销售部")
    path_before = sales.path
    response = manager.post(
        reverse("org:department_edit", args=[sales.pk]),
        {"name": "销售中心", "parent": dept(organization, target).pk},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["parent"]
    assert "cannot be moved under itself" in form.errors["parent"][0]
    assert 'aria-invalid="true"' in str(form["parent"])
    sales.refresh_from_db()
    assert sales.name == "销售部" and sales.path == path_before
    assert parent_of(sales) == organization.root_department


def test_org1_remove_asks_for_confirmation(manager, organization):
    east = dept(organization, "华东组")
    response = manager.get(reverse("org:department_delete", args=[east.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "华东组" in html and 'method="post"' in html
    assert Department.objects.filter(pk=east.pk).exists()


def test_org1_remove_an_empty_department(manager, organization):
    east = dept(organization, "华东组")
    response = manager.post(reverse("org:department_delete", args=[east.pk]))
    assert response.status_code == 302 and response.url == reverse("org:department_list")
    assert not Department.objects.filter(pk=east.pk).exists()
    assert message_texts(response) == ["Removed 华东组."]
    assert Department.objects.get_children_count(dept(organization, "销售部")) == 0


def test_org1_refuses_removing_a_department_with_sub_departments(manager, organization):
    sales = dept(organization, "销售部")
    response = manager.post(reverse("org:department_delete", args=[sales.pk]), follow=True)
    assert response.status_code == 200
    assert "still has sub-departments" in response.content.decode()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Department.objects.filter(pk=sales.pk).exists()
    assert Department.objects.filter(org=organization, name="华东组").exists()


def test_org1_refuses_removing_a_department_with_employees(manager, organization):
    service = dept(organization, "客服部")
    EmployeeFactory(org=organization, department=service)
    response = manager.post(reverse("org:department_delete", args=[service.pk]), follow=True)
    assert "still has employees" in response.content.decode()
    assert Department.objects.filter(pk=service.pk).exists()


def test_org1_refuses_removing_the_root(manager, organization):
    root = organization.root_department
    response = manager.post(reverse("org:department_delete", args=[root.pk]), follow=True)
    assert "The root department cannot be removed." in response.content.decode()
    assert Department.objects.filter(pk=root.pk).exists()


def test_org1_write_urls_answer_403_to_non_managers(client, employee, organization):
    client.force_login(employee)
    east = dept(organization, "华东组")
    sales = dept(organization, "销售部")
    for method, url, data in [
        ("get", reverse("org:department_add"), {}),
        ("post", reverse("org:department_add"), {"name": "新部门", "parent": sales.pk}),
        ("get", reverse("org:department_edit", args=[east.pk]), {}),
        ("post", reverse("org:department_edit", args=[east.pk]), {"name": "改名", "parent": sales.pk}),
        ("get", reverse("org:department_delete", args=[east.pk]), {}),
        ("post", reverse("org:department_delete", args=[east.pk]), {}),
    ]:
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    east.refresh_from_db()
    assert east.name == "华东组"
    assert not Department.objects.filter(org=organization, name="新部门").exists()


def test_org1_write_urls_need_a_login(client, organization):
    url = reverse("org:department_edit", args=[dept(organization, "华东组").pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url


def test_org1_another_organizations_department_is_404(manager, organization, other_organization):
    foreign = Department.objects.get(org=other_organization, name="华东组")
    for method, url in [
        ("get", reverse("org:department_edit", args=[foreign.pk])),
        ("post", reverse("org:department_edit", args=[foreign.pk])),
        ("get", reverse("org:department_delete", args=[foreign.pk])),
        ("post", reverse("org:department_delete", args=[foreign.pk])),
    ]:
        assert getattr(manager, method)(url).status_code == 404, (method, url)
    assert Department.objects.filter(pk=foreign.pk, name="华东组").exists()


def test_org1_another_organizations_department_is_no_parent_choice(manager, organization, other_organization):
    foreign = other_organization.root_department
    response = manager.post(reverse("org:department_add"), {"name": "渗透", "parent": foreign.pk})
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    assert not Department.objects.filter(name="渗透").exists()
