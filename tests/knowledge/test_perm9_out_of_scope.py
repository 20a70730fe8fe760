"""PERM-3 and PERM-9 over every page and endpoint of the knowledge base: an employee without
`knowledge.browse` or `knowledge.manage`, and a manager of another organization, see no article,
no link and no record through any of them, and change nothing, whatever id they try."""

import json

import pytest

from qiao.knowledge import services
from qiao.knowledge.models import Article, Category, KnowledgeLink
from tests.factories import OrganizationFactory
from tests.knowledge.conftest import MANAGE
from tests.permissions_helpers import employee, role
from tests.urlwalk import routes

KNOWLEDGE_ROUTES = sorted(
    {r.path: r for r in routes() if r.path.startswith(("knowledge/", "api/v1/knowledge/"))}.values(),
    key=lambda r: r.path,
)


def test_the_walk_covers_every_knowledge_route():
    paths = {route.path for route in KNOWLEDGE_ROUTES}
    assert {
        "knowledge/",
        "knowledge/articles/<int:pk>/",
        "knowledge/links/<str:type_code>/<int:pk>/",
        "api/v1/knowledge/articles/<pk>/",
        "api/v1/knowledge/categories/<pk>/",
        "api/v1/knowledge/links/<pk>/",
    } <= paths


def _state():
    return (
        sorted(Article.objects.values_list("pk", "title", "body", "version")),
        sorted(Category.objects.values_list("pk", "name", "path")),
        sorted(KnowledgeLink.objects.values_list("pk", "target_id", "article_id")),
    )


@pytest.fixture
def linked(kb, record):
    for article in (kb.articles.public, kb.articles.sales_only, kb.articles.service_only):
        services.knowledge_link_add(actor=kb.people.manager, target=record, article=article)
    return kb


@pytest.fixture
def stranger(db):
    other = OrganizationFactory(name="别家公司")
    return employee(other, "销售部", role(other, "别家管理员", view="all", edit="all", delete="all", codes=MANAGE))


@pytest.mark.parametrize("who", ["outsider", "stranger"])
def test_perm9_out_of_scope_users_see_and_change_nothing_anywhere(client, linked, record, stranger, who):
    kb = linked
    user = kb.people.outsider if who == "outsider" else stranger
    secrets = [*(a.title for a in vars(kb.articles).values()), "华东超市", "原叶冷泡"]
    if who == "stranger":  # the organization's own employees may see its category tree
        secrets += [c.name for c in vars(kb.categories).values()]
    ids = {
        *(a.pk for a in vars(kb.articles).values()),
        *(c.pk for c in vars(kb.categories).values()),
        *KnowledgeLink.objects.values_list("pk", flat=True),
        record.pk,
    }
    payload = {
        "title": "入侵",
        "name": "入侵",
        "body": "x",
        "category": kb.categories.tea.pk,
        "parent": kb.categories.tea.pk,
        "target_type": "customer",
        "target_id": record.pk,
        "article": kb.articles.public.pk,
    }
    before = _state()
    client.force_login(user)
    for route in KNOWLEDGE_ROUTES:
        for pk in sorted(ids):
            url = route.url(pk=pk, type_code="customer")
            is_api = url.startswith("/api/")
            for method in ("get", "post", "patch", "delete"):
                if method == "patch" and not is_api:
                    continue
                if is_api:
                    body = "" if method == "get" else json.dumps(payload)
                    response = client.generic(method.upper(), url, body, content_type="application/json")
                else:
                    response = getattr(client, method)(url, payload if method == "post" else None)
                assert response.status_code < 500, (method, url)
                assert response.status_code not in (201, 204), (method, url)
                text = response.content.decode()
                for secret in secrets:
                    assert secret not in text, (method, url, secret)
                listed = is_api and method == "get" and response.status_code == 200 and "count" in text
                if listed and not (who == "outsider" and "categories" in url):
                    assert response.json()["count"] == 0, url
    assert _state() == before


def test_perm9_out_of_scope_pages_answer_forbidden_or_not_found(client, linked, stranger):
    kb = linked
    client.force_login(kb.people.outsider)
    assert client.get("/knowledge/").status_code == 403
    assert client.get(f"/knowledge/articles/{kb.articles.public.pk}/").status_code == 404
    client.force_login(stranger)
    assert client.get("/knowledge/").status_code == 200  # their own, empty, knowledge base
    assert client.get(f"/knowledge/articles/{kb.articles.public.pk}/").status_code == 404
    assert client.get(f"/knowledge/categories/{kb.categories.tea.pk}/edit/").status_code == 404
    assert client.get(f"/knowledge/?category={kb.categories.tea.pk}").context["selected"] is None


def test_perm9_platform_operators_without_an_organization_see_nothing(kb, django_user_model):
    operator = django_user_model.objects.create_superuser("operator", "op@example.cn", "Correct-Horse-42")
    assert not Article.objects.visible_to(operator).exists()
    assert not Category.objects.visible_to(operator).exists()
    assert not KnowledgeLink.objects.visible_to(operator).exists()
