"""A sales organization for the opportunity tests: two reps in 华东组, their manager in 销售部 who
reviews registrations (OPP-2), a service agent in 客服部 who sees only their own records, and the
administrator."""

from types import SimpleNamespace

import pytest

from tests.permissions_helpers import employee, role

from .helpers import REGISTRATION


@pytest.fixture
def sales(organization, admin_user):
    rep_role = role(
        organization,
        "销售代表",
        view="related_employee",
        edit="owner",
        delete="owner",
        activity={"view": "owner", "edit": "owner", "delete": "owner"},
    )
    manager_role = role(
        organization,
        "销售经理",
        view="related_department",
        edit="owner_department",
        delete="owner_department",
        codes=["opportunity.review"],
    )
    own_role = role(organization, "客服", view="owner", edit="owner", delete="owner")
    return SimpleNamespace(
        organization=organization,
        admin=admin_user,
        rep=employee(organization, "华东组", rep_role, full_name="张伟"),
        rep2=employee(organization, "华东组", rep_role, full_name="李娜"),
        manager=employee(organization, "销售部", manager_role, full_name="王经理"),
        assistant=employee(organization, "销售部", manager_role, full_name="赵助理"),
        outsider=employee(organization, "客服部", own_role, full_name="陈客服"),
        registration=dict(REGISTRATION),
    )
