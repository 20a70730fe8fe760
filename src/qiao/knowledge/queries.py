"""Reads of the knowledge base that are more than a filter: the search (KB-1), the category tree
with the number of articles each user can see, and search excerpts. Every read starts from
`visible_to`, so counts and results never include an article the user cannot open (PERM-3)."""

from functools import reduce
from operator import and_, or_

from django.db.models import Case, Count, IntegerField, Q, Value, When

from .models import Article, Category

MAX_TERMS = 10


def search_terms(text: str | None) -> list[str]:
    """Whitespace-separated terms (full-width spaces too). Chinese has no spaces between words, so
    each term is matched as a substring."""
    # NUL cannot travel to PostgreSQL in a query parameter; it can be in no stored text either.
    return (text or "").replace("\x00", " ").split()[:MAX_TERMS]


def search(queryset, text: str | None):
    """Articles of `queryset` in which every term occurs in the title, the tags or the body
    text; title hits first (all terms in the title, then some), then tag hits, then the rest,
    newest first within each group."""
    terms = search_terms(text)
    if not terms:
        return queryset
    for term in terms:
        queryset = queryset.filter(Q(title__icontains=term) | Q(tags__icontains=term) | Q(body_text__icontains=term))
    in_title = [Q(title__icontains=term) for term in terms]
    in_tags = [Q(tags__icontains=term) for term in terms]
    rank = Case(
        When(reduce(and_, in_title), then=Value(0)),
        When(reduce(or_, in_title), then=Value(1)),
        When(reduce(or_, in_tags), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return queryset.annotate(search_rank=rank).order_by("search_rank", "-updated_at", "-pk")


def in_category(queryset, category: Category):
    """Articles on the node or anywhere below it."""
    return queryset.filter(category__path__startswith=category.path)


def category_tree(user, selected: Category | None = None) -> list[Category]:
    """The organization's categories in tree order, each with `article_count`: the articles the
    user can see on the node and below it."""
    categories = list(Category.objects.visible_to(user))
    direct = dict(
        Article.objects.visible_to(user)
        .order_by()
        .values("category__path")
        .annotate(count=Count("pk"))
        .values_list("category__path", "count")
    )
    for category in categories:
        category.article_count = sum(count for path, count in direct.items() if path.startswith(category.path))
        category.is_selected = selected is not None and category.pk == selected.pk
        category.is_open = selected is not None and selected.path.startswith(category.path)
    return categories


def excerpt(text: str, terms: list[str], length: int = 120) -> str:
    """A piece of the plain text around the first term found, or its beginning."""
    text = " ".join((text or "").split())
    lowered = text.lower()
    positions = [lowered.find(term.lower()) for term in terms if term and lowered.find(term.lower()) >= 0]
    start = max(0, min(positions) - length // 3) if positions else 0
    piece = text[start : start + length]
    return ("…" if start > 0 else "") + piece + ("…" if start + length < len(text) else "")
