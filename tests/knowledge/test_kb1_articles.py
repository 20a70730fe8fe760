"""KB-1: articles with rich text (sanitized), category, tags, attachments, comments, role
restrictions, full-text search, and links to main objects; the pages and the demo."""

import io
import random

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qiao.core import attachments, comments
from qiao.core.models import Attachment, Comment
from qiao.knowledge import demo, queries, services
from qiao.knowledge.models import Article, Category
from qiao.knowledge.sanitize import clean_html, plain_text
from tests.conftest import api_client_for

HOSTILE = (
    '<p onclick="steal()" onmouseover="steal()">正文<strong>加粗</strong></p>'
    "<script>alert('x')</script>"
    '<img src="x" onerror="alert(1)">'
    '<a href="javascript:alert(1)">坏链接</a>'
    '<a href="https://intranet.example.cn/doc" target="_blank">好链接</a>'
    "<style>body{display:none}</style><iframe src='/'></iframe>"
)


# --- sanitizing ----------------------------------------------------------------------------------


def test_kb1_script_tags_and_event_attributes_are_removed_on_save(kb):
    article = services.article_create(actor=kb.people.manager, title="测试", category=kb.categories.tea, body=HOSTILE)
    article.refresh_from_db()
    body = article.body.lower()
    for forbidden in (
        "<script",
        "alert(",
        "onclick",
        "onmouseover",
        "onerror",
        "javascript:",
        "<style",
        "<iframe",
        "<img",
    ):
        assert forbidden not in body, forbidden
    assert "<strong>加粗</strong>" in article.body
    assert 'href="https://intranet.example.cn/doc"' in article.body and 'rel="noopener noreferrer"' in article.body
    assert "target=" not in article.body


def test_kb1_sanitized_on_every_write_path(client, kb):
    api = api_client_for(kb.people.manager)
    created = api.post(
        "/api/v1/knowledge/articles/", {"title": "接口", "category": kb.categories.tea.pk, "body": HOSTILE}
    ).json()
    assert "<script" not in created["body"] and "onclick" not in created["body"]
    patched = api.patch(f"/api/v1/knowledge/articles/{created['id']}/", {"body": '<b onclick="x()">改</b>'}).json()
    assert patched["body"] == "<b>改</b>"
    client.force_login(kb.people.manager)
    client.post(reverse("knowledge:article_add"), {"title": "表单", "category": kb.categories.tea.pk, "body": HOSTILE})
    assert "<script" not in Article.objects.get(title="表单").body


def test_kb1_the_page_shows_the_body_as_html_and_nothing_hostile(client, kb):
    article = services.article_create(actor=kb.people.manager, title="页面", category=kb.categories.tea, body=HOSTILE)
    # Even a body written around the service is cleaned again when shown.
    Article.objects.filter(pk=article.pk).update(body=HOSTILE)
    client.force_login(kb.people.rep)
    html = client.get(reverse("knowledge:article_detail", args=[article.pk])).content.decode()
    assert "<strong>加粗</strong>" in html
    assert "steal()" not in html and "alert(" not in html and "javascript:" not in html


def test_kb1_plain_text_is_kept_for_search_and_plain_input_keeps_its_paragraphs(kb):
    article = services.article_create(
        actor=kb.people.manager,
        title="纯文本",
        category=kb.categories.tea,
        body="第一段第一行\n第一段第二行\n\n第二段 <3 & 符号",
    )
    assert article.body == "<p>第一段第一行<br>第一段第二行</p><p>第二段 &lt;3 &amp; 符号</p>"
    assert article.body_text == "第一段第一行\n第一段第二行\n第二段 <3 & 符号"
    assert plain_text(clean_html("<h2>标题</h2><p>甲</p><ul><li>乙</li><li>丙</li></ul>")) == "标题\n甲\n乙\n丙"


def test_kb1_tags_are_split_trimmed_and_deduplicated(kb):
    assert services.normalize_tags(" 报价，促销、报价; 新品 ,, ") == ["报价", "促销", "新品"]
    assert services.normalize_tags(["a", "b, c"]) == ["a", "b", "c"]
    with pytest.raises(ValidationError) as error:
        services.normalize_tags([f"标签{n}" for n in range(21)])
    assert "tags" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.normalize_tags(["长" * 31])
    assert "tags" in error.value.message_dict


def test_kb1_bad_input_is_a_validation_error_naming_the_field(kb):
    manager = kb.people.manager
    for field, data in (
        ("title", {"title": "   "}),
        ("title", {"title": "题" * 201}),
        ("body", {"body": "坏\x00字符"}),
        ("title", {"title": "\ud800"}),
    ):
        with pytest.raises(ValidationError) as error:
            services.article_update(actor=manager, article=kb.articles.public, **data)
        assert field in error.value.message_dict, data
    response = api_client_for(manager).post("/api/v1/knowledge/articles/", {"title": "缺分类"})
    assert response.status_code == 400 and "category" in response.json()


def test_kb1_a_stale_version_is_refused(client, kb):
    api = api_client_for(kb.people.manager)
    url = f"/api/v1/knowledge/articles/{kb.articles.public.pk}/"
    assert api.patch(url, {"title": "第一次", "version": 1}).status_code == 200
    assert api.patch(url, {"title": "第二次", "version": 1}).status_code == 409
    client.force_login(kb.people.manager)
    response = client.post(
        reverse("knowledge:article_edit", args=[kb.articles.public.pk]),
        {"title": "第三次", "category": kb.categories.tea.pk, "version": 1},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    kb.articles.public.refresh_from_db()
    assert kb.articles.public.title == "第一次"


def test_kb1_deleting_an_article_takes_its_comments_and_attachments(kb):
    article = kb.articles.public
    comments.comment_add(actor=kb.people.rep, target=article, body="评论")
    attachments.attachment_add(
        actor=kb.people.manager,
        target=article,
        upload=SimpleUploadedFile("a.pdf", b"%PDF", content_type="application/pdf"),
    )
    services.article_delete(actor=kb.people.manager, article=article)
    assert not Comment.objects.filter(target_id=article.pk).exists()
    assert not Attachment.objects.filter(target_id=article.pk).exists()


def test_kb1_the_history_of_an_article_is_kept(client, kb):
    services.article_update(actor=kb.people.manager, article=kb.articles.public, title="新标题")
    assert kb.articles.public.history.count() == 2
    client.force_login(kb.people.manager)
    html = client.get(reverse("knowledge:article_detail", args=[kb.articles.public.pk])).content.decode()
    assert 'id="panel-history"' in html and 'id="panel-comments"' in html and 'id="panel-attachments"' in html


# --- search --------------------------------------------------------------------------------------


@pytest.fixture
def library(kb):
    manager, tea = kb.people.manager, kb.categories.tea
    make = services.article_create
    return {
        "body": make(
            actor=manager, title="门店拜访记录要求", category=tea, body="<p>每次拜访后填写退货情况和陈列照片。</p>"
        ),
        "title": make(actor=manager, title="退货流程", category=tea, body="<p>门店提出申请。</p>"),
        "tag": make(actor=manager, title="售后须知", category=tea, tags="退货, 换货", body="<p>七天内办理。</p>"),
        "both": make(actor=manager, title="退货与换货的区别", category=tea, body="<p>区别说明。</p>"),
    }


def test_kb1_search_matches_chinese_substrings_in_title_tags_and_text(kb, library):
    found = queries.search(Article.objects.visible_to(kb.people.manager), "退货")
    assert set(found) == set(library.values())


def test_kb1_search_needs_every_term_and_ranks_title_hits_first(kb, library):
    found = list(queries.search(Article.objects.visible_to(kb.people.manager), "退货　换货"))  # full-width space
    assert found == [library["both"], library["tag"]]
    found = list(queries.search(Article.objects.visible_to(kb.people.manager), "退货"))
    assert found[:2] == [library["both"], library["title"]] or found[:2] == [library["title"], library["both"]]
    assert found[2] == library["tag"] and found[3] == library["body"]
    assert not queries.search(Article.objects.visible_to(kb.people.manager), "退货 不存在的词").exists()


def test_kb1_search_is_case_insensitive_for_latin_text(kb):
    services.article_create(actor=kb.people.manager, title="CRM 使用手册", category=kb.categories.tea)
    assert queries.search(Article.objects.visible_to(kb.people.manager), "crm").count() == 1


def test_kb1_search_goes_through_visibility_only(client, kb):
    api = api_client_for(kb.people.service)
    assert api.get("/api/v1/knowledge/articles/?search=折扣").json()["count"] == 0
    assert api.get("/api/v1/knowledge/articles/?search=投诉").json()["count"] == 1
    client.force_login(kb.people.service)
    page = client.get(reverse("knowledge:home"), {"q": "折扣"})
    assert page.context["page"].paginator.count == 0 and "经销商折扣审批权限" not in page.content.decode()
    client.force_login(kb.people.rep)
    page = client.get(reverse("knowledge:home"), {"q": "折扣"})
    assert [a.title for a in page.context["page"]] == ["经销商折扣审批权限"]


def test_kb1_search_page_answers_htmx_with_the_results_only(client, kb):
    client.force_login(kb.people.rep)
    response = client.get(reverse("knowledge:home"), {"q": "卖点"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="kb-results"' in html and "低糖茶饮卖点" in html and "<html" not in html


def test_kb1_api_filters_by_category_subtree_and_tag(kb):
    api = api_client_for(kb.people.manager)
    listed = api.get(f"/api/v1/knowledge/articles/?category={kb.categories.products.pk}").json()
    assert {row["title"] for row in listed["results"]} == {"低糖茶饮卖点", "经销商折扣审批权限"}
    assert {row["title"] for row in api.get("/api/v1/knowledge/articles/?tag=卖点").json()["results"]} == {
        "低糖茶饮卖点"
    }
    assert api.get("/api/v1/knowledge/articles/?tag=卖").json()["count"] == 0
    response = api.get("/api/v1/knowledge/articles/?category=999999")
    assert response.status_code == 400 and "category" in response.json()


# --- pages ---------------------------------------------------------------------------------------


def test_kb1_home_shows_the_tree_the_search_and_the_articles(client, kb):
    client.force_login(kb.people.manager)
    html = client.get(reverse("knowledge:home")).content.decode()
    for text in ("产品知识", "茶饮", "售后服务", "低糖茶饮卖点", 'name="q"', reverse("knowledge:article_add")):
        assert text in html, text


def test_kb1_the_editor_is_a_local_script_and_the_form_has_its_toolbar(client, kb):
    client.force_login(kb.people.manager)
    html = client.get(reverse("knowledge:article_add")).content.decode()
    assert "knowledge/editor.js" in html and 'id="qiao-rte-toolbar"' in html and "data-rich-text" in html
    assert "<script>" not in html  # no inline script (CSP: script-src 'self')
    assert finders.find("knowledge/editor.js") and finders.find("knowledge/knowledge.css")


def test_kb1_an_empty_knowledge_base_invites_managers_to_start(client, org):
    from tests.knowledge.conftest import MANAGE
    from tests.permissions_helpers import employee, role

    manager = employee(org, "销售部", role(org, "管理员", codes=MANAGE))
    client.force_login(manager)
    html = client.get(reverse("knowledge:home")).content.decode()
    assert reverse("knowledge:category_add") in html
    assert client.get(reverse("knowledge:article_add")).context["has_categories"] is False


def test_kb1_pagination_keeps_the_search_and_category(client, kb):
    for n in range(25):
        services.article_create(actor=kb.people.manager, title=f"茶饮资料{n:02d}", category=kb.categories.tea)
    client.force_login(kb.people.manager)
    page = client.get(reverse("knowledge:home"), {"q": "茶饮", "category": kb.categories.tea.pk})
    html = page.content.decode()
    assert page.context["page"].paginator.count == 26
    assert f"category={kb.categories.tea.pk}" in html and "page=2" in html
    second = client.get(reverse("knowledge:home"), {"q": "茶饮", "category": kb.categories.tea.pk, "page": 2})
    assert len(second.context["page"]) == 6


# --- demo ----------------------------------------------------------------------------------------


def test_kb1_demo_builds_a_category_tree_and_articles_some_restricted(organization, admin_user):
    org = organization
    demo.load(org, admin_user, random.Random(1), io.StringIO())
    roots = {c.name for c in Category.objects.get_root_nodes().filter(org=org)}
    assert {"产品知识", "销售技巧", "售后服务", "公司制度"} <= roots
    articles = Article.objects.filter(org=org)
    assert articles.count() >= 15
    assert articles.filter(roles__isnull=False).distinct().count() >= 2
    assert all(article.body_text for article in articles)


# --- odd input -----------------------------------------------------------------------------------

HUGE = "9" * 30


def test_kb1_odd_input_never_breaks_a_page_or_an_endpoint(client, kb, record):
    api = api_client_for(kb.people.manager)
    for url in (
        f"/api/v1/knowledge/articles/?search=%00&category={HUGE}",
        f"/api/v1/knowledge/links/?article={HUGE}",
        f"/api/v1/knowledge/links/?target_type=customer&target_id={HUGE}",
        f"/api/v1/knowledge/categories/{HUGE}/",
        "/api/v1/knowledge/links/?target_type=customer&target_id=²&article=²",
    ):
        assert api.get(url).status_code < 500, url
    for url, body in (
        ("/api/v1/knowledge/articles/", {"title": "x", "category": int(HUGE)}),
        ("/api/v1/knowledge/links/", {"target_type": "customer", "target_id": int(HUGE), "article": 1}),
        ("/api/v1/knowledge/categories/", {"name": "x", "parent": int(HUGE)}),
    ):
        response = api.post(url, body)
        assert response.status_code == 400, (url, response.json())
    client.force_login(kb.people.manager)
    for url in (
        f"/knowledge/?q=%00&category={HUGE}&page={HUGE}",
        f"/knowledge/articles/add/?category={HUGE}",
        f"/knowledge/categories/add/?parent={HUGE}",
        f"/knowledge/articles/{HUGE}/",
        "/knowledge/?category=²&page=²",
    ):
        assert client.get(url).status_code < 500, url
    for article in (HUGE, "²"):
        response = client.post(reverse("knowledge:link_add", args=["customer", record.pk]), {"article": article})
        assert response.status_code == 200
