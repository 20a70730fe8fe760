"""PERM-8: the main object's owner and its editors can link and unlink knowledge articles; they can
link only articles they themselves can see. Each viewer sees only the linked articles visible to
them. Unlinking or deleting the main object removes the links, never the articles."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from qiao.core import recycle_bin
from qiao.core import services as core_services
from qiao.customers.models import Customer
from qiao.knowledge import services
from qiao.knowledge.models import Article, KnowledgeLink
from qiao.knowledge.views import related_panel_context
from tests.conftest import api_client_for
from tests.knowledge.conftest import BROWSE
from tests.permissions_helpers import activity, customer, employee, role


def link(kb, target, article, actor=None):
    return services.knowledge_link_add(actor=actor or kb.people.manager, target=target, article=article)


def panel_titles(user, record) -> list[str] | None:
    request = RequestFactory().get("/")
    request.user = user
    data = related_panel_context(request, record)
    return None if data is None else sorted(row.article.title for row in data["links"])


@pytest.fixture
def editor(kb):
    """Edits every record of their department (销售部), and may browse the knowledge base."""
    return employee(
        kb.org,
        "销售部",
        role(kb.org, "部门编辑", view="owner_department", edit="owner_department", codes=BROWSE),
    )


@pytest.fixture
def reader(kb):
    """Sees every customer but edits none; browses knowledge without belonging to a restricted role."""
    return employee(kb.org, "客服部", role(kb.org, "只读", view="all", codes=BROWSE))


# --- who links -----------------------------------------------------------------------------------


def test_perm8_the_owner_links_and_unlinks(kb, record):
    created = link(kb, record, kb.articles.public, actor=kb.people.rep)
    assert created.target == record and created.created_by == kb.people.rep
    services.knowledge_link_remove(actor=kb.people.rep, link=created)
    assert not KnowledgeLink.objects.exists()


def test_perm8_editors_of_the_record_link_and_unlink(kb, record, editor):
    created = link(kb, record, kb.articles.public, actor=editor)
    services.knowledge_link_remove(actor=editor, link=created)
    assert not KnowledgeLink.objects.exists()


def test_perm8_the_owner_links_even_without_an_edit_scope(kb):
    owner = employee(kb.org, "销售部", role(kb.org, "只看", view="owner_department", edit="none", codes=BROWSE))
    own = customer(kb.org, name="自己的客户", owner=owner)
    assert services.can_link(owner, own)
    link(kb, own, kb.articles.public, actor=owner)


def test_perm8_viewers_who_neither_own_nor_edit_cannot_link_or_unlink(kb, record):
    teammate = kb.people.teammate  # sees the record through the department, edits only their own
    assert not services.can_link(teammate, record)
    with pytest.raises(PermissionDenied):
        link(kb, record, kb.articles.public, actor=teammate)
    existing = link(kb, record, kb.articles.public)
    with pytest.raises(PermissionDenied):
        services.knowledge_link_remove(actor=teammate, link=existing)
    assert KnowledgeLink.objects.filter(pk=existing.pk).exists()


def test_perm8_those_who_cannot_see_the_record_are_told_it_does_not_exist(kb, record):
    with pytest.raises(Http404):
        link(kb, record, kb.articles.public, actor=kb.people.service)
    existing = link(kb, record, kb.articles.public)
    with pytest.raises(Http404):
        services.knowledge_link_remove(actor=kb.people.service, link=existing)


def test_perm8_they_can_link_only_articles_they_can_see(kb, record):
    with pytest.raises(ValidationError) as error:
        link(kb, record, kb.articles.service_only, actor=kb.people.rep)
    assert "article" in error.value.message_dict
    link(kb, record, kb.articles.sales_only, actor=kb.people.rep)


def test_perm8_an_article_is_linked_once_and_only_to_main_objects(kb, record):
    link(kb, record, kb.articles.public)
    with pytest.raises(ValidationError) as error:
        link(kb, record, kb.articles.public)
    assert "article" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        link(kb, kb.articles.sales_only, kb.articles.public)
    assert "target_type" in error.value.message_dict
    with pytest.raises(ValidationError):
        link(kb, activity(kb.org, owner=kb.people.manager), kb.articles.public)


# --- who sees which links ------------------------------------------------------------------------


def test_perm8_each_viewer_sees_only_the_linked_articles_visible_to_them(kb, record, reader):
    for article in (kb.articles.public, kb.articles.sales_only, kb.articles.service_only):
        link(kb, record, article)
    everything = sorted(["低糖茶饮卖点", "经销商折扣审批权限", "投诉升级内部流程"])
    assert panel_titles(kb.people.manager, record) == everything
    assert panel_titles(kb.people.teammate, record) == ["低糖茶饮卖点", "经销商折扣审批权限"]
    assert panel_titles(reader, record) == ["低糖茶饮卖点"]
    api_titles = {
        row["article_title"]
        for row in api_client_for(reader)
        .get(f"/api/v1/knowledge/links/?target_type=customer&target_id={record.pk}")
        .json()["results"]
    }
    assert api_titles == {"低糖茶饮卖点"}
    hidden = KnowledgeLink.objects.get(article=kb.articles.sales_only)
    assert api_client_for(reader).get(f"/api/v1/knowledge/links/{hidden.pk}/").status_code == 404


def test_perm8_links_of_records_one_cannot_see_are_invisible(kb, record):
    link(kb, record, kb.articles.public)
    service = kb.people.service  # may read the article, cannot see the customer
    assert api_client_for(service).get("/api/v1/knowledge/links/").json()["count"] == 0
    assert not KnowledgeLink.objects.visible_to(service).exists()
    page = api_client_for(service).get(f"/api/v1/knowledge/links/?target_type=customer&target_id={record.pk}")
    assert page.status_code == 404


def test_perm8_the_choice_offers_only_visible_articles_not_yet_linked(kb, record):
    link(kb, record, kb.articles.public)
    request = RequestFactory().get("/")
    request.user = kb.people.rep
    data = related_panel_context(request, record)
    assert data["can_link"] is True
    assert [article.title for article in data["choices"]] == ["经销商折扣审批权限"]
    request.user = kb.people.teammate
    data = related_panel_context(request, record)
    assert data["can_link"] is False and not data["choices"]


# --- unlinking and deleting never remove articles ------------------------------------------------


def test_perm8_unlinking_removes_the_link_never_the_article(kb, record):
    created = link(kb, record, kb.articles.public)
    services.knowledge_link_remove(actor=kb.people.rep, link=created)
    assert not KnowledgeLink.objects.exists()
    assert Article.objects.filter(pk=kb.articles.public.pk).exists()


def test_perm8_deleting_the_main_object_hides_then_purging_removes_the_links_never_the_articles(kb, record):
    link(kb, record, kb.articles.public)
    link(kb, record, kb.articles.sales_only)
    core_services.main_object_delete(actor=kb.people.rep, obj=record)
    assert not KnowledgeLink.objects.visible_to(kb.people.manager).exists()  # in the bin: invisible
    recycle_bin.recycle_bin_restore(actor=kb.people.rep, type_code="customer", pk=record.pk)
    assert KnowledgeLink.objects.visible_to(kb.people.manager).count() == 2  # everything comes back
    core_services.main_object_delete(actor=kb.people.rep, obj=Customer.objects.get(pk=record.pk))
    recycle_bin.recycle_bin_purge(actor=kb.people.rep, type_code="customer", pk=record.pk)
    assert not Customer.all_objects.filter(pk=record.pk).exists()
    assert not KnowledgeLink.objects.exists()
    assert Article.objects.filter(pk__in=[kb.articles.public.pk, kb.articles.sales_only.pk]).count() == 2


def test_perm8_deleting_an_article_removes_its_links_never_the_records(kb, record):
    link(kb, record, kb.articles.public)
    services.article_delete(actor=kb.people.manager, article=kb.articles.public)
    assert not KnowledgeLink.objects.exists()
    assert Customer.objects.filter(pk=record.pk).exists()


# --- the panel on the record's page --------------------------------------------------------------


def test_perm8_the_panel_shows_on_main_objects_pages_and_not_on_articles_or_activities(client, kb, record):
    link(kb, record, kb.articles.public)
    client.force_login(kb.people.rep)
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    assert 'id="knowledge-panel"' in page and "低糖茶饮卖点" in page
    assert reverse("knowledge:link_add", args=["customer", record.pk]) in page
    article_page = client.get(reverse("knowledge:article_detail", args=[kb.articles.public.pk])).content.decode()
    assert 'id="knowledge-panel"' not in article_page
    assert "华东超市" in article_page  # the article lists the records linked to it that the reader can see
    request = RequestFactory().get("/")
    request.user = kb.people.manager
    assert related_panel_context(request, kb.articles.public) is None
    assert related_panel_context(request, activity(kb.org, owner=kb.people.manager)) is None


def test_perm8_viewers_without_the_right_see_the_links_but_no_link_form(client, kb, record):
    link(kb, record, kb.articles.public)
    client.force_login(kb.people.teammate)
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    assert "低糖茶饮卖点" in page
    assert reverse("knowledge:link_add", args=["customer", record.pk]) not in page
    assert "/knowledge/links/" not in page


def test_perm8_linking_and_unlinking_through_the_panel(client, kb, record):
    client.force_login(kb.people.rep)
    url = reverse("knowledge:link_add", args=["customer", record.pk])
    response = client.post(url, {"article": kb.articles.sales_only.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "经销商折扣审批权限" in response.content.decode()
    created = KnowledgeLink.objects.get()
    refused = client.post(url, {"article": kb.articles.service_only.pk}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and KnowledgeLink.objects.count() == 1
    response = client.post(reverse("knowledge:link_remove", args=[created.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert reverse("knowledge:link_remove", args=[created.pk]) not in response.content.decode()
    assert not KnowledgeLink.objects.exists() and Article.objects.filter(pk=kb.articles.sales_only.pk).exists()
    client.force_login(kb.people.teammate)
    assert client.post(url, {"article": kb.articles.public.pk}).status_code == 403
    client.force_login(kb.people.service)
    assert client.post(url, {"article": kb.articles.public.pk}).status_code == 404
    assert not KnowledgeLink.objects.exists()


# --- the API -------------------------------------------------------------------------------------


def test_perm8_api_owner_links_viewer_is_refused_bad_input_names_the_field(kb, record):
    body = {"target_type": "customer", "target_id": record.pk, "article": kb.articles.public.pk}
    response = api_client_for(kb.people.rep).post("/api/v1/knowledge/links/", body)
    assert response.status_code == 201, response.json()
    assert response.json()["target_type"] == "customer" and response.json()["article_title"] == "低糖茶饮卖点"
    again = api_client_for(kb.people.rep).post("/api/v1/knowledge/links/", body)
    assert again.status_code == 400 and "article" in again.json()
    other = {**body, "article": kb.articles.sales_only.pk}
    assert api_client_for(kb.people.teammate).post("/api/v1/knowledge/links/", other).status_code == 403
    unseen = {**body, "article": kb.articles.service_only.pk}
    response = api_client_for(kb.people.rep).post("/api/v1/knowledge/links/", unseen)
    assert response.status_code == 400 and "article" in response.json()
    response = api_client_for(kb.people.service).post("/api/v1/knowledge/links/", body)
    assert response.status_code == 400 and "target_id" in response.json()
    response = api_client_for(kb.people.rep).post("/api/v1/knowledge/links/", {**other, "target_type": "activity"})
    assert response.status_code == 400 and "target_type" in response.json()


def test_perm8_api_unlinking_removes_the_link_never_the_article(kb, record):
    created = link(kb, record, kb.articles.public)
    url = f"/api/v1/knowledge/links/{created.pk}/"
    assert api_client_for(kb.people.teammate).delete(url).status_code == 403
    assert api_client_for(kb.people.service).delete(url).status_code == 404
    assert api_client_for(kb.people.rep).delete(url).status_code == 204
    assert not KnowledgeLink.objects.exists() and Article.objects.filter(pk=kb.articles.public.pk).exists()
