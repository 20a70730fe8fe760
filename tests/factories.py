"""Test data. Organizations are made by the same service as `qiao createorg`, so every test
starts from what a real installation has."""

from functools import partial

import factory
from django.contrib.auth.hashers import make_password

from qiao.org.models import Department, User
from qiao.org.services import organization_create

PASSWORD = "Correct-Horse-42"


class OrganizationFactory:
    """`OrganizationFactory(name=…)` → an organization with a root department, an admin with
    every permission, and two sub-departments (销售部 with 华东组 under it, 客服部)."""

    _count = 0

    def __new__(cls, name: str | None = None, with_departments: bool = True):
        cls._count += 1
        organization, _admin = organization_create(
            name=name or f"测试公司{cls._count}",
            admin_username=f"admin{cls._count}",
            admin_password=PASSWORD,
            admin_full_name="管理员",
        )
        if with_departments:
            root = organization.root_department
            sales = Department.objects.add_child(root, {"org": organization, "name": "销售部"})
            Department.objects.add_child(sales, {"org": organization, "name": "华东组"})
            Department.objects.add_child(Department.objects.get(pk=root.pk), {"org": organization, "name": "客服部"})
        return organization


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"employee{n}")
    full_name = factory.Sequence(lambda n: f"员工{n}")
    # Hashed when the employee is made, with the hasher the tests run with (tests/conftest.py).
    password = factory.LazyFunction(partial(make_password, PASSWORD))
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")
    position = "销售代表"
