"""A small knowledge base: a manager, browse-only employees in two roles, someone with neither
code, a category tree of three levels and three articles (one open, two restricted to a role)."""

from types import SimpleNamespace

import pytest

from qiao.knowledge import services
from tests.factories import OrganizationFactory
from tests.permissions_helpers import customer, employee, role

MANAGE = ["knowledge.manage", "knowledge.browse"]
BROWSE = ["knowledge.browse"]


@pytest.fixture
def org(db):
    return OrganizationFactory()


@pytest.fixture
def kb(org):
    roles = SimpleNamespace(
        manager=role(org, "知识管理员", view="all", edit="all", delete="all", codes=MANAGE),
        sales=role(org, "销售代表", view="owner_department", edit="owner", delete="owner", codes=BROWSE),
        service=role(org, "客服专员", view="owner", edit="owner", codes=BROWSE),
        nothing=role(org, "仓管", view="owner", edit="owner"),
    )
    people = SimpleNamespace(
        manager=employee(org, "销售部", roles.manager, full_name="知识管理员甲"),
        rep=employee(org, "销售部", roles.sales, full_name="销售乙"),
        teammate=employee(org, "销售部", roles.sales, full_name="销售丙"),
        service=employee(org, "客服部", roles.service, full_name="客服丁"),
        outsider=employee(org, "客服部", roles.nothing, full_name="仓管戊"),
    )
    manager = people.manager
    products = services.category_create(actor=manager, name="产品知识")
    drinks = services.category_create(actor=manager, name="饮料", parent=products)
    tea = services.category_create(actor=manager, name="茶饮", parent=drinks)
    after_sales = services.category_create(actor=manager, name="售后服务")
    public = services.article_create(
        actor=manager,
        title="低糖茶饮卖点",
        category=tea,
        body="<p>原叶冷泡,<strong>低糖</strong>配方。</p>",
        tags="茶饮, 卖点",
    )
    sales_only = services.article_create(
        actor=manager,
        title="经销商折扣审批权限",
        category=drinks,
        body="<p>九折以下需要销售总监审批。</p>",
        tags="折扣",
        roles=[roles.sales],
    )
    service_only = services.article_create(
        actor=manager,
        title="投诉升级内部流程",
        category=after_sales,
        body="<p>一级投诉两小时内上报。</p>",
        tags="投诉",
        roles=[roles.service],
    )
    return SimpleNamespace(
        org=org,
        roles=roles,
        people=people,
        categories=SimpleNamespace(products=products, drinks=drinks, tea=tea, after_sales=after_sales),
        articles=SimpleNamespace(public=public, sales_only=sales_only, service_only=service_only),
    )


@pytest.fixture
def record(kb):
    """A customer owned by the rep: the teammate (same department) views it but cannot edit it;
    the service employee and the outsider cannot see it."""
    return customer(kb.org, name="华东超市", owner=kb.people.rep)


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))
