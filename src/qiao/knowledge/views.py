"""Pages of the knowledge base (KB-1): browsing with the category tree and the search, the article
page with its comments and attachments, the forms of managers (PERM-9, PERM-10), and the "Related
knowledge" panel on main objects' pages (PERM-8)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from qiao.core import panels
from qiao.core.forms import add_service_errors, whole_number
from qiao.core.permissions import object_type, object_type_of
from qiao.core.targets import dependents_of, resolve_target

from . import queries, services
from .forms import ArticleForm, CategoryForm
from .models import BROWSE, MANAGE, Article, Category, KnowledgeLink

PER_PAGE = 20


def _require_browse(user) -> None:
    if not (user.has_code(BROWSE) or user.has_code(MANAGE)):
        raise PermissionDenied(_("Reading the knowledge base needs the permission “%(code)s”.") % {"code": BROWSE})


def _selected_category(request) -> Category | None:
    pk = whole_number(request.GET.get("category"))
    if pk is None:
        return None
    return Category.objects.visible_to(request.user).filter(pk=pk).first()


@login_required
@require_safe
def home(request):
    """The category tree on the left, the articles the user can see on the right, with one search
    box over titles, tags and text."""
    _require_browse(request.user)
    selected = _selected_category(request)
    query = request.GET.get("q", "").strip()
    articles = (
        Article.objects.visible_to(request.user)
        .select_related("category")
        .annotate(restricted=Exists(Article.roles.through.objects.filter(article_id=OuterRef("pk"))))
    )
    if selected is not None:
        articles = queries.in_category(articles, selected)
    articles = queries.search(articles, query)
    page = Paginator(articles, PER_PAGE).get_page(request.GET.get("page"))
    terms = queries.search_terms(query)
    for article in page:
        article.excerpt = queries.excerpt(article.body_text, terms)
    categories = queries.category_tree(request.user, selected)
    keep = {key: value for key, value in (("q", query), ("category", selected.pk if selected else "")) if value}
    template = "knowledge/home.html#results" if request.htmx and not request.htmx.boosted else "knowledge/home.html"
    return render(
        request,
        template,
        {
            "categories": categories,
            "total_count": Article.objects.visible_to(request.user).count(),
            "selected": selected,
            "trail": _trail(selected),
            "query": query,
            "page": page,
            "page_query": urlencode(keep),
            "can_manage": request.user.has_code(MANAGE),
        },
    )


def _trail(category: Category | None) -> list[Category]:
    if category is None:
        return []
    return [*Category.objects.get_ancestors(category), category]


def _record_url(record) -> str | None:
    """A main object's page, when its app names it `<app_label>:detail`."""
    try:
        return reverse(f"{record._meta.app_label}:detail", args=[record.pk])
    except NoReverseMatch:
        return None


@login_required
@require_safe
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.visible_to(request.user).select_related("category", "author"), pk=pk)
    can_manage = Article.objects.visible_to(request.user, "edit").filter(pk=article.pk).exists()
    linked = []
    for link in KnowledgeLink.objects.visible_to(request.user).filter(article=article).prefetch_related("target"):
        if link.target is not None:
            linked.append({"record": link.target, "kind": object_type_of(link.target), "url": _record_url(link.target)})
    return render(
        request,
        "knowledge/article_detail.html",
        {
            "article": article,
            "trail": _trail(article.category),
            "can_manage": can_manage,
            "roles": list(article.roles.order_by("name")) if can_manage else [],
            "is_restricted": article.roles.exists(),
            "linked": linked,
            "panels": panels.panels_for(request, article),
        },
    )


def _article_to_change(request, pk: int) -> Article:
    """Invisible → 404; visible but not a manager → 403 (PERM-3, PERM-4)."""
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    if not Article.objects.visible_to(request.user, "edit").filter(pk=article.pk).exists():
        raise PermissionDenied(_("Only knowledge managers change articles."))
    return article


@login_required
def article_edit(request, pk: int | None = None):
    """Create (managers only) or edit an article; the body is sanitized by the service."""
    article = _article_to_change(request, pk) if pk else None
    if article is None:
        services.require_manage(request.user)
    initial = {} if article else {"category": request.GET.get("category", "")}
    form = ArticleForm(request.POST or None, actor=request.user, article=article, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        data["roles"] = list(data["roles"])
        try:
            if article is None:
                article = services.article_create(actor=request.user, **data)
                messages.success(request, _("Published “%(title)s”.") % {"title": article.title})
            else:
                article = services.article_update(actor=request.user, article=article, version=version, **data)
                messages.success(request, _("Saved “%(title)s”.") % {"title": article.title})
        except ValidationError as error:
            add_service_errors(form, error)
        except services.StaleVersion:
            form.add_error(
                None,
                _(
                    "Someone else saved this article while you were editing it. "
                    "Reload the page to see their change, then apply yours again."
                ),
            )
        else:
            return redirect("knowledge:article_detail", pk=article.pk)
    return render(
        request,
        "knowledge/article_form.html",
        {"form": form, "article": article, "has_categories": Category.objects.visible_to(request.user).exists()},
    )


@login_required
def article_delete(request, pk: int):
    article = _article_to_change(request, pk)
    if request.method == "POST":
        title = article.title
        services.article_delete(actor=request.user, article=article)
        messages.success(request, _("Deleted “%(title)s”.") % {"title": title})
        return redirect("knowledge:home")
    return render(
        request,
        "knowledge/article_confirm_delete.html",
        {"article": article, "link_count": KnowledgeLink.objects.filter(article=article).count()},
    )


# --- categories (PERM-10) ------------------------------------------------------------------------


@login_required
def category_edit(request, pk: int | None = None):
    """Add a category (under `?parent=`, else at the top level), or rename and move one."""
    services.require_manage(request.user)
    category = get_object_or_404(Category.objects.visible_to(request.user, "edit"), pk=pk) if pk else None
    initial = {"parent": request.GET.get("parent", "")} if category is None else {}
    form = CategoryForm(request.POST or None, actor=request.user, category=category, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if category is None:
                category = services.category_create(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Added %(name)s.") % {"name": category.name})
            else:
                category = services.category_update(actor=request.user, category=category, **form.cleaned_data)
                messages.success(request, _("Saved %(name)s.") % {"name": category.name})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(f"{reverse('knowledge:home')}?category={category.pk}")
    return render(request, "knowledge/category_form.html", {"form": form, "category": category})


@login_required
def category_delete(request, pk: int):
    services.require_manage(request.user)
    category = get_object_or_404(Category.objects.visible_to(request.user, "edit"), pk=pk)
    if request.method == "POST":
        try:
            services.category_delete(actor=request.user, category=category)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(f"{reverse('knowledge:home')}?category={category.pk}")
        messages.success(request, _("Removed %(name)s.") % {"name": category.name})
        return redirect("knowledge:home")
    return render(
        request,
        "knowledge/category_confirm_delete.html",
        {"category": category, "trail": _trail(category), "is_empty": _is_empty(category)},
    )


def _is_empty(category: Category) -> bool:
    return not Category.objects.get_children_count(category) and not Article.objects.filter(category=category).exists()


# --- the "Related knowledge" panel on main objects (PERM-8) --------------------------------------


def related_panel_context(request, record) -> dict | None:
    """Main objects only (not activities, not articles themselves), for users who may read the
    knowledge base: the linked articles this user can see, and, for the record's owner and
    editors, the articles they can see to link."""
    kind = object_type_of(record)
    user = request.user
    if kind is None or kind.is_activity or not (user.has_code(BROWSE) or user.has_code(MANAGE)):
        return None
    visible = Article.objects.visible_to(user)
    all_links = dependents_of(KnowledgeLink, record)
    links = list(all_links.filter(article__in=visible.values("pk")).select_related("article__category", "created_by"))
    may_link = services.can_link(user, record)
    choices = (
        visible.exclude(pk__in=all_links.values("article_id"))
        .select_related("category")
        .order_by("category__path", "title")
        if may_link
        else Article.objects.none()
    )
    return {"record": record, "type_code": kind.code, "links": links, "can_link": may_link, "choices": choices}


def _panel(request, record):
    data = related_panel_context(request, record)
    if data is None:
        raise Http404
    return render(request, "knowledge/panels/related.html", {"data": data})


def _main_object(request, type_code: str, pk: int):
    kind = object_type(type_code)
    if kind is None or kind.is_activity:
        raise Http404
    return resolve_target(request.user, type_code, pk)


@login_required
@require_POST
def link_add(request, type_code: str, pk: int):
    record = _main_object(request, type_code, pk)
    pk = whole_number(request.POST.get("article"))
    article = Article.objects.visible_to(request.user).filter(pk=pk).first() if pk is not None else None
    try:
        link = services.knowledge_link_add(actor=request.user, target=record, article=article)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Linked “%(title)s”.") % {"title": link.article.title})
    return _panel(request, record)


@login_required
@require_POST
def link_remove(request, pk: int):
    link = get_object_or_404(KnowledgeLink.objects.visible_to(request.user).select_related("article"), pk=pk)
    record = link.target
    services.knowledge_link_remove(actor=request.user, link=link)
    messages.success(request, _("Unlinked “%(title)s”; the article itself stays.") % {"title": link.article.title})
    return _panel(request, record)
