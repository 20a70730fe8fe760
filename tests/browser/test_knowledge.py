"""KB-1 in a real browser: a manager writes an article with the rich-text editor (a local script,
allowed by the CSP `script-src 'self'`), a reader finds it with the live search and links it to
their customer from the "Related knowledge" panel; no request leaves the server, no console error."""

import pytest

from qiao.knowledge.models import Article, KnowledgeLink
from tests.browser.conftest import screenshot
from tests.browser.test_shell import log_in
from tests.knowledge.conftest import kb, org, record  # noqa: F401 - the knowledge tests' fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kb1_write_with_the_editor_search_and_link(open_page, live_server, kb, record):  # noqa: F811
    page, watcher = open_page("zh-CN")
    log_in(page, live_server.url, kb.people.manager.username)
    page.goto(f"{live_server.url}/knowledge/articles/add/?category={kb.categories.tea.pk}")
    editor = page.locator(".qiao-rte-editor")
    assert editor.is_visible() and not page.locator("textarea[name=body]").is_visible()
    page.fill("input[name=title]", "冷泡茶陈列要点")
    page.fill("input[name=tags]", "陈列, 冷泡")
    editor.click()
    page.keyboard.type("放在")
    page.click("[data-command=bold]")
    page.keyboard.type("黄金层")
    page.click("[data-command=bold]")
    page.keyboard.press("Enter")
    page.click("[data-command=insertUnorderedList]")
    page.keyboard.type("两个排面")
    screenshot(page, "knowledge-editor-zh")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/knowledge/articles/*/")
    article = Article.objects.get(title="冷泡茶陈列要点")
    assert "<b>黄金层</b>" in article.body or "<strong>黄金层</strong>" in article.body
    assert "<li>两个排面</li>" in article.body and article.tag_list == ["陈列", "冷泡"]
    assert page.locator(".qiao-kb-body li").inner_text() == "两个排面"
    screenshot(page, "knowledge-article-zh")

    reader, reader_watcher = open_page("zh-CN")
    log_in(reader, live_server.url, kb.people.rep.username)
    reader.goto(f"{live_server.url}/knowledge/")
    reader.fill("input[name=q]", "冷泡 黄金层")
    reader.wait_for_function(
        "() => document.querySelectorAll('#kb-results .qiao-kb-article-title').length === 1", timeout=10000
    )
    assert "冷泡茶陈列要点" in reader.locator("#kb-results").inner_text()
    screenshot(reader, "knowledge-search-zh")

    reader.goto(f"{live_server.url}/customers/{record.pk}/")
    reader.click("a[href='#panel-knowledge']")
    reader.select_option("#knowledge-panel select[name=article]", str(article.pk))
    reader.click("#knowledge-panel button.btn-primary")
    reader.wait_for_selector(f"#knowledge-panel a[href='/knowledge/articles/{article.pk}/']")
    assert KnowledgeLink.objects.filter(article=article, target_id=record.pk).exists()
    screenshot(reader, "knowledge-related-panel-zh")

    for each in (watcher, reader_watcher):
        assert each.outside_requests == [] and each.console_errors == []
