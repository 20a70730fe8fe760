"""PERM-9: holders of `knowledge.manage` create, edit and delete articles, set the roles an article
is restricted to, add attachments, and see all articles. Holders of `knowledge.browse` only read
and comment. An article with no roles is visible to everyone in the organization; one with roles
is visible only to members of those roles (and to managers)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from qiao.core import attachments, comments
from qiao.core.models import Attachment, Comment
from qiao.core.targets import dependents_visible_to
from qiao.knowledge import services
from qiao.knowledge.models import Article
from tests.conftest import api_client_for
from tests.factories import OrganizationFactory
from tests.knowledge.conftest import MANAGE, titles
from tests.permissions_helpers import employee, fresh, role

ALL = {"低糖茶饮卖点", "经销商折扣审批权限", "投诉升级内部流程"}


# --- who sees what -------------------------------------------------------------------------------


def test_perm9_managers_see_all_articles_and_may_edit_and_delete_them(kb):
    for action in ("view", "edit", "delete"):
        assert titles(Article.objects.visible_to(kb.people.manager, action)) == ALL, action


def test_perm9_an_article_without_roles_is_visible_to_everyone_who_may_browse(kb):
    for name in ("rep", "teammate", "service"):
        assert "低糖茶饮卖点" in titles(Article.objects.visible_to(getattr(kb.people, name))), name


def test_perm9_an_article_with_roles_is_visible_only_to_their_members_and_to_managers(kb):
    assert titles(Article.objects.visible_to(kb.people.rep)) == {"低糖茶饮卖点", "经销商折扣审批权限"}
    assert titles(Article.objects.visible_to(kb.people.teammate)) == {"低糖茶饮卖点", "经销商折扣审批权限"}
    assert titles(Article.objects.visible_to(kb.people.service)) == {"低糖茶饮卖点", "投诉升级内部流程"}
    assert "投诉升级内部流程" in titles(Article.objects.visible_to(kb.people.manager))


def test_perm9_an_article_restricted_to_several_roles_reaches_the_members_of_each(kb):
    services.article_update(
        actor=kb.people.manager, article=kb.articles.sales_only, roles=[kb.roles.sales, kb.roles.service]
    )
    for name in ("rep", "service"):
        assert "经销商折扣审批权限" in titles(Article.objects.visible_to(getattr(kb.people, name))), name


def test_perm9_joining_a_role_opens_its_articles(kb):
    service = kb.people.service
    assert "经销商折扣审批权限" not in titles(Article.objects.visible_to(service))
    service.roles.add(kb.roles.sales)
    assert "经销商折扣审批权限" in titles(Article.objects.visible_to(fresh(service)))


def test_perm9_browse_holders_only_view(kb):
    for action in ("edit", "delete"):
        assert not Article.objects.visible_to(kb.people.rep, action).exists(), action


def test_perm9_without_browse_or_manage_nothing_is_visible(kb):
    assert not Article.objects.visible_to(kb.people.outsider).exists()


def test_perm9_manage_alone_is_enough_to_read(kb):
    only_manage = employee(kb.org, "客服部", role(kb.org, "只管理", codes=["knowledge.manage"]))
    assert titles(Article.objects.visible_to(only_manage)) == ALL


def test_perm9_nothing_outside_the_organization_or_for_inactive_users(kb):
    other = OrganizationFactory(name="别家公司")
    stranger = employee(other, "销售部", role(other, "别家管理员", codes=MANAGE))
    assert not Article.objects.visible_to(stranger).exists()
    manager = kb.people.manager
    manager.is_active = False
    manager.save()
    assert not Article.objects.visible_to(fresh(manager)).exists()


# --- writes --------------------------------------------------------------------------------------


def test_perm9_only_managers_create_articles(kb):
    with pytest.raises(PermissionDenied):
        services.article_create(actor=kb.people.rep, title="越权", category=kb.categories.tea)
    article = services.article_create(actor=kb.people.manager, title="新文章", category=kb.categories.tea)
    assert article.author == kb.people.manager and article.org == kb.org


def test_perm9_browse_holders_cannot_edit_or_delete_and_invisible_articles_are_not_found(kb):
    with pytest.raises(PermissionDenied):
        services.article_update(actor=kb.people.rep, article=kb.articles.public, title="改")
    with pytest.raises(PermissionDenied):
        services.article_delete(actor=kb.people.rep, article=kb.articles.public)
    with pytest.raises(Http404):
        services.article_update(actor=kb.people.rep, article=kb.articles.service_only, title="改")
    kb.articles.public.refresh_from_db()
    assert kb.articles.public.title == "低糖茶饮卖点"


def test_perm9_managers_edit_and_delete(kb):
    services.article_update(actor=kb.people.manager, article=kb.articles.public, title="低糖茶饮卖点(新版)")
    kb.articles.public.refresh_from_db()
    assert kb.articles.public.title == "低糖茶饮卖点(新版)" and kb.articles.public.version == 2
    services.article_delete(actor=kb.people.manager, article=kb.articles.public)
    assert not Article.objects.filter(pk=kb.articles.public.pk).exists()


def test_perm9_managers_set_the_roles_and_only_roles_of_their_organization(kb):
    article = services.article_create(
        actor=kb.people.manager, title="内部资料", category=kb.categories.tea, roles=[kb.roles.service]
    )
    assert set(article.roles.all()) == {kb.roles.service}
    assert "内部资料" not in titles(Article.objects.visible_to(kb.people.rep))
    services.article_update(actor=kb.people.manager, article=article, roles=[])
    assert "内部资料" in titles(Article.objects.visible_to(kb.people.rep))
    foreign = OrganizationFactory(name="别家公司").roles.first()
    with pytest.raises(ValidationError) as error:
        services.article_update(actor=kb.people.manager, article=article, roles=[foreign])
    assert "roles" in error.value.message_dict


# --- attachments and comments --------------------------------------------------------------------


def _upload(name="价目表.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def test_perm9_only_managers_add_attachments_and_readers_download(kb):
    with pytest.raises(PermissionDenied):
        attachments.attachment_add(actor=kb.people.rep, target=kb.articles.public, upload=_upload())
    attachment = attachments.attachment_add(actor=kb.people.manager, target=kb.articles.public, upload=_upload())
    assert attachment in dependents_visible_to(Attachment, kb.people.rep)
    assert attachment not in dependents_visible_to(Attachment, kb.people.outsider)
    with pytest.raises(PermissionDenied):
        attachments.attachment_delete(actor=kb.people.rep, attachment=attachment)


def test_perm9_browse_holders_read_and_comment_but_not_on_articles_they_cannot_see(kb):
    comment = comments.comment_add(actor=kb.people.rep, target=kb.articles.public, body="很实用")
    assert comment in dependents_visible_to(Comment, kb.people.service)
    assert comment not in dependents_visible_to(Comment, kb.people.outsider)
    with pytest.raises(PermissionDenied):
        comments.comment_add(actor=kb.people.rep, target=kb.articles.service_only, body="看不到")
    with pytest.raises(PermissionDenied):
        comments.comment_add(actor=kb.people.outsider, target=kb.articles.public, body="无权限")


def test_perm9_comments_and_attachments_through_the_shared_pages(client, kb):
    article = kb.articles.public
    client.force_login(kb.people.rep)
    response = client.post(reverse("comment_add", args=["article", article.pk]), {"body": "门店反馈很好"})
    assert response.status_code == 200 and "门店反馈很好" in response.content.decode()
    response = client.post(reverse("attachment_upload", args=["article", article.pk]), {"file": _upload()})
    assert response.status_code == 403
    assert not Attachment.objects.filter(target_id=article.pk).exists()
    client.force_login(kb.people.manager)
    client.post(reverse("attachment_upload", args=["article", article.pk]), {"file": _upload()})
    assert Attachment.objects.filter(target_id=article.pk).count() == 1
    client.force_login(kb.people.service)
    assert (
        client.post(reverse("comment_add", args=["article", kb.articles.sales_only.pk]), {"body": "x"}).status_code
        == 404
    )


def test_perm9_the_article_author_may_delete_any_comment_on_it(kb):
    comment = comments.comment_add(actor=kb.people.rep, target=kb.articles.public, body="有错别字")
    assert comments.can_delete_comment(kb.people.manager, comment)
    assert not comments.can_delete_comment(kb.people.teammate, comment)


# --- the API and the pages -----------------------------------------------------------------------


def test_perm9_api_lists_only_visible_articles(kb):
    listed = api_client_for(kb.people.rep).get("/api/v1/knowledge/articles/").json()
    assert {row["title"] for row in listed["results"]} == {"低糖茶饮卖点", "经销商折扣审批权限"}
    assert listed["count"] == 2


def test_perm9_api_invisible_is_404_and_visible_but_not_permitted_is_403(kb):
    api = api_client_for(kb.people.rep)
    hidden = f"/api/v1/knowledge/articles/{kb.articles.service_only.pk}/"
    shown = f"/api/v1/knowledge/articles/{kb.articles.public.pk}/"
    assert api.get(hidden).status_code == 404
    assert api.patch(hidden, {"title": "x"}).status_code == 404
    assert api.delete(hidden).status_code == 404
    assert api.get(shown).status_code == 200
    assert api.patch(shown, {"title": "x"}).status_code == 403
    assert api.patch(shown, {"title": ""}).status_code == 403  # refused before the input is even read
    assert api.delete(shown).status_code == 403
    create = {"title": "越权", "category": kb.categories.tea.pk}
    assert api.post("/api/v1/knowledge/articles/", create).status_code == 403
    assert Article.objects.count() == 3


def test_perm9_api_managers_create_edit_set_roles_and_delete(kb):
    api = api_client_for(kb.people.manager)
    response = api.post(
        "/api/v1/knowledge/articles/",
        {
            "title": "新品上市培训",
            "category": kb.categories.drinks.pk,
            "body": "<p>培训要点</p>",
            "tags": ["培训", "新品"],
            "roles": [kb.roles.sales.pk],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["tags"] == ["培训", "新品"] and body["roles"] == [kb.roles.sales.pk] and body["version"] == 1
    url = f"/api/v1/knowledge/articles/{body['id']}/"
    assert api_client_for(kb.people.service).get(url).status_code == 404
    assert api.patch(url, {"roles": [], "version": 1}).json()["version"] == 2
    assert api_client_for(kb.people.service).get(url).status_code == 200
    assert api.delete(url).status_code == 204


def test_perm9_pages_invisible_is_404_and_browse_holders_cannot_change(client, kb):
    client.force_login(kb.people.rep)
    public, hidden = kb.articles.public, kb.articles.service_only
    assert client.get(reverse("knowledge:article_detail", args=[public.pk])).status_code == 200
    assert client.get(reverse("knowledge:article_detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("knowledge:article_edit", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("knowledge:article_edit", args=[public.pk])).status_code == 403
    assert client.post(reverse("knowledge:article_delete", args=[public.pk])).status_code == 403
    assert client.get(reverse("knowledge:article_add")).status_code == 403
    page = client.get(reverse("knowledge:article_detail", args=[public.pk])).content.decode()
    assert reverse("knowledge:article_edit", args=[public.pk]) not in page
    assert 'name="file"' not in page  # no upload form for readers
    assert 'name="body"' in page  # but they comment
    assert Article.objects.filter(pk=public.pk).exists()


def test_perm9_the_manager_sees_the_roles_and_the_actions_on_the_article_page(client, kb):
    client.force_login(kb.people.manager)
    page = client.get(reverse("knowledge:article_detail", args=[kb.articles.sales_only.pk])).content.decode()
    assert reverse("knowledge:article_edit", args=[kb.articles.sales_only.pk]) in page
    assert "qiao-kb-role" in page and "销售代表" in page and 'name="file"' in page
    client.force_login(kb.people.rep)
    page = client.get(reverse("knowledge:article_detail", args=[kb.articles.sales_only.pk])).content.decode()
    assert "qiao-kb-role" not in page


def test_perm9_managers_create_and_edit_through_the_form(client, kb):
    client.force_login(kb.people.manager)
    form = client.get(reverse("knowledge:article_add"), {"category": kb.categories.drinks.pk})
    assert form.status_code == 200 and form.context["form"]["category"].value() == str(kb.categories.drinks.pk)
    response = client.post(
        reverse("knowledge:article_add"),
        {
            "title": "冷链收货要点",
            "category": kb.categories.drinks.pk,
            "tags": "冷链，收货",
            "body": "<p>测温</p>",
            "roles": [kb.roles.service.pk],
        },
    )
    article = Article.objects.get(title="冷链收货要点")
    assert response.status_code == 302 and response.url == reverse("knowledge:article_detail", args=[article.pk])
    assert article.tag_list == ["冷链", "收货"] and set(article.roles.all()) == {kb.roles.service}
    response = client.post(
        reverse("knowledge:article_edit", args=[article.pk]),
        {"title": "冷链收货要点", "category": kb.categories.drinks.pk, "body": "<p>新</p>", "version": 1},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>新</p>" and not article.roles.exists() and article.version == 2


def test_perm9_browse_holders_see_the_menu_item_and_others_do_not(client, kb):
    for name, expected in (("manager", True), ("rep", True), ("outsider", False)):
        client.force_login(getattr(kb.people, name))
        page = client.get(reverse("workbench")).content.decode()
        assert (reverse("knowledge:home") in page) is expected, name
    assert client.get(reverse("knowledge:home")).status_code == 403


def test_perm9_a_role_that_restricts_articles_is_not_removed(org, kb):
    from django.core.exceptions import ValidationError

    from qiao.knowledge.models import Article
    from qiao.org import services as org_services
    from qiao.org.models import Role

    restricted = Article.objects.filter(org=org).exclude(roles=None).first()
    role = restricted.roles.first()
    role.users.clear()
    admin = org.employees.filter(username__startswith="admin").get()
    with pytest.raises(ValidationError):
        org_services.role_delete(actor=admin, role=role)
    assert Role.objects.filter(pk=role.pk).exists()
