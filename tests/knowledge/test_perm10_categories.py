"""PERM-10: knowledge categories form a tree; an article may sit on any node, leaf or not;
sub-categories may be created under a node that already holds articles. Every member of the
organization sees the tree; only holders of `knowledge.manage` write it."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from qiao.knowledge import services
from qiao.knowledge.forms import ArticleForm
from qiao.knowledge.models import Article, Category
from tests.conftest import api_client_for
from tests.factories import OrganizationFactory
from tests.knowledge.conftest import MANAGE
from tests.permissions_helpers import employee, role


def parent_of(category):
    return Category.objects.get_parent(Category.objects.get(pk=category.pk))


def test_perm10_categories_form_a_tree_of_any_depth(kb):
    node = kb.categories.tea
    for depth in range(4, 9):
        node = services.category_create(actor=kb.people.manager, name=f"第{depth}层", parent=node)
    assert node.depth == 8
    trail = [c.name for c in Category.objects.get_ancestors(node)]
    assert trail[:3] == ["产品知识", "饮料", "茶饮"] and len(trail) == 7


def test_perm10_an_article_may_sit_on_a_node_that_is_not_a_leaf(kb):
    assert not Category.objects.get(pk=kb.categories.products.pk).is_leaf()
    article = services.article_create(actor=kb.people.manager, title="总览", category=kb.categories.products)
    assert article.category == kb.categories.products
    assert Category.objects.get(pk=kb.categories.tea.pk).is_leaf()
    assert kb.articles.public.category == kb.categories.tea


def test_perm10_the_article_form_offers_every_node_leaf_or_not(kb):
    form = ArticleForm(actor=kb.people.manager)
    offered = set(form.fields["category"].queryset.values_list("name", flat=True))
    assert offered == {"产品知识", "饮料", "茶饮", "售后服务"}


def test_perm10_a_sub_category_may_be_created_under_a_node_that_already_holds_articles(kb):
    drinks = kb.categories.drinks
    assert Article.objects.filter(category=drinks).exists()
    juice = services.category_create(actor=kb.people.manager, name="果汁", parent=drinks)
    assert parent_of(juice) == drinks
    # …and under a leaf that holds articles, which then stops being a leaf.
    tea = kb.categories.tea
    green = services.category_create(actor=kb.people.manager, name="绿茶", parent=tea)
    assert parent_of(green) == tea and not Category.objects.get(pk=tea.pk).is_leaf()
    assert Article.objects.get(pk=kb.articles.public.pk).category == tea


def test_perm10_the_api_creates_sub_categories_under_a_node_with_articles(kb):
    api = api_client_for(kb.people.manager)
    response = api.post("/api/v1/knowledge/categories/", {"name": "乳品", "parent": kb.categories.drinks.pk})
    assert response.status_code == 201, response.json()
    assert response.json()["parent"] == kb.categories.drinks.pk and response.json()["depth"] == 3
    top = api.post("/api/v1/knowledge/categories/", {"name": "公司制度"}).json()
    assert top["parent"] is None and top["depth"] == 1


def test_perm10_every_member_of_the_organization_sees_the_tree_only_managers_write_it(kb):
    outsider = kb.people.outsider  # holds no knowledge permission
    assert Category.objects.visible_to(outsider).count() == 4
    api = api_client_for(kb.people.rep)
    assert api.get("/api/v1/knowledge/categories/").json()["count"] == 4
    assert api.post("/api/v1/knowledge/categories/", {"name": "越权"}).status_code == 403
    url = f"/api/v1/knowledge/categories/{kb.categories.tea.pk}/"
    assert api.patch(url, {"name": "改名"}).status_code == 403
    assert api.delete(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.category_create(actor=kb.people.rep, name="越权")
    with pytest.raises(PermissionDenied):
        services.category_update(actor=kb.people.rep, category=kb.categories.tea, name="改名")
    assert Category.objects.get(pk=kb.categories.tea.pk).name == "茶饮"


def test_perm10_other_organizations_categories_do_not_exist(kb):
    other = OrganizationFactory(name="别家公司")
    stranger = employee(other, "销售部", role(other, "别家管理员", codes=MANAGE))
    assert not Category.objects.visible_to(stranger).exists()
    api = api_client_for(stranger)
    url = f"/api/v1/knowledge/categories/{kb.categories.tea.pk}/"
    assert api.get(url).status_code == 404 and api.patch(url, {"name": "x"}).status_code == 404
    response = api.post("/api/v1/knowledge/categories/", {"name": "子类", "parent": kb.categories.tea.pk})
    assert response.status_code == 400 and "parent" in response.json()
    with pytest.raises(ValidationError) as error:
        services.article_create(actor=stranger, title="x", category=kb.categories.tea)
    assert "category" in error.value.message_dict
    with pytest.raises(Http404):
        services.category_update(actor=stranger, category=kb.categories.tea, name="改名")


def test_perm10_sibling_names_are_unique_and_names_are_required(kb):
    manager = kb.people.manager
    with pytest.raises(ValidationError) as error:
        services.category_create(actor=manager, name=" 饮料 ", parent=kb.categories.products)
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.category_create(actor=manager, name="  ")
    assert "name" in error.value.message_dict
    # The same name elsewhere in the tree is fine.
    services.category_create(actor=manager, name="饮料", parent=kb.categories.after_sales)


def test_perm10_renaming_and_moving_keep_the_articles_and_never_go_under_itself(kb):
    manager = kb.people.manager
    with pytest.raises(ValidationError) as error:
        services.category_update(actor=manager, category=kb.categories.drinks, parent=kb.categories.tea)
    assert "parent" in error.value.message_dict
    moved = services.category_update(
        actor=manager, category=kb.categories.drinks, name="饮品", parent=kb.categories.after_sales
    )
    assert moved.name == "饮品" and parent_of(moved) == Category.objects.get(pk=kb.categories.after_sales.pk)
    assert parent_of(kb.categories.tea).pk == moved.pk
    assert Article.objects.get(pk=kb.articles.public.pk).category_id == kb.categories.tea.pk
    top = services.category_update(actor=manager, category=moved, parent=None)
    assert top.depth == 1 and parent_of(top) is None


def test_perm10_only_an_empty_category_is_removed(kb):
    manager = kb.people.manager
    with pytest.raises(ValidationError):
        services.category_delete(actor=manager, category=kb.categories.drinks)  # sub-categories and an article
    with pytest.raises(ValidationError):
        services.category_delete(actor=manager, category=kb.categories.tea)  # an article
    empty = services.category_create(actor=manager, name="待删", parent=kb.categories.after_sales)
    services.category_delete(actor=manager, category=empty)
    assert not Category.objects.filter(pk=empty.pk).exists()
    assert Category.objects.get(pk=kb.categories.after_sales.pk).numchild == 0
    response = api_client_for(manager).delete(f"/api/v1/knowledge/categories/{kb.categories.tea.pk}/")
    assert response.status_code == 400 and Category.objects.filter(pk=kb.categories.tea.pk).exists()


def test_perm10_category_pages_for_managers(client, kb):
    client.force_login(kb.people.manager)
    drinks = kb.categories.drinks
    form = client.get(reverse("knowledge:category_add"), {"parent": drinks.pk})
    assert form.status_code == 200 and form.context["form"]["parent"].value() == str(drinks.pk)
    response = client.post(reverse("knowledge:category_add"), {"name": "咖啡", "parent": drinks.pk})
    coffee = Category.objects.get(name="咖啡")
    assert response.status_code == 302 and parent_of(coffee) == drinks
    response = client.post(
        reverse("knowledge:category_edit", args=[coffee.pk]), {"name": "咖啡饮品", "parent": drinks.pk}
    )
    assert response.status_code == 302 and Category.objects.get(pk=coffee.pk).name == "咖啡饮品"
    # The parent list never offers the category itself or what lies below it.
    edit = client.get(reverse("knowledge:category_edit", args=[drinks.pk]))
    offered = set(edit.context["form"].fields["parent"].queryset.values_list("name", flat=True))
    assert offered == {"产品知识", "售后服务"}
    duplicate = client.post(reverse("knowledge:category_add"), {"name": "茶饮", "parent": drinks.pk})
    assert duplicate.status_code == 200 and "name" in duplicate.context["form"].errors
    refused = client.post(reverse("knowledge:category_delete", args=[drinks.pk]))
    assert refused.status_code == 302 and Category.objects.filter(pk=drinks.pk).exists()
    assert [str(m) for m in get_messages(refused.wsgi_request)]
    assert client.post(reverse("knowledge:category_delete", args=[coffee.pk])).status_code == 302
    assert not Category.objects.filter(pk=coffee.pk).exists()


def test_perm10_category_pages_are_refused_to_readers(client, kb):
    client.force_login(kb.people.rep)
    assert client.get(reverse("knowledge:category_add")).status_code == 403
    assert client.get(reverse("knowledge:category_edit", args=[kb.categories.tea.pk])).status_code == 403
    assert client.post(reverse("knowledge:category_delete", args=[kb.categories.tea.pk])).status_code == 403
    html = client.get(reverse("knowledge:home")).content.decode()
    assert "茶饮" in html and reverse("knowledge:category_add") not in html


def test_perm10_choosing_a_node_lists_its_articles_and_those_below_it(client, kb):
    client.force_login(kb.people.manager)
    page = client.get(reverse("knowledge:home"), {"category": kb.categories.products.pk})
    listed = {article.title for article in page.context["page"]}
    assert listed == {"低糖茶饮卖点", "经销商折扣审批权限"}
    tree = {category.name: category.article_count for category in page.context["categories"]}
    assert tree == {"产品知识": 2, "饮料": 2, "茶饮": 1, "售后服务": 1}


def test_perm10_counts_in_the_tree_include_only_what_the_user_can_see(client, kb):
    client.force_login(kb.people.rep)
    page = client.get(reverse("knowledge:home"))
    tree = {category.name: category.article_count for category in page.context["categories"]}
    assert tree == {"产品知识": 2, "饮料": 2, "茶饮": 1, "售后服务": 0}
    assert page.context["total_count"] == 2
