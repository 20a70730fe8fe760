"""Lists that are read page by page keep one order from page to page: their ordering ends with the
primary key, so that records which tie on the chosen fields (seven customers named 张三, twenty
opportunities in one stage) cannot move between pages. Without it the database may order the tied
rows differently for each page, and paging shows one of them twice and skips another. Both paging
mechanisms apply it: the API's pagination (core/api.py) and every list page's table
(core/tables.py)."""

from django.db.models import OrderBy, QuerySet


def ordering_of(query) -> tuple:
    """The ordering `query` is read in: its own, or else its model's default."""
    return tuple(query.order_by or (query.get_meta().ordering if query.default_ordering else ()))


def ending_with_primary_key(ordering, model) -> list:
    """`ordering` (names like "-created_at", or expressions) with the primary key last, in the
    direction of the last term; unchanged when it is empty or already ends with the key."""
    ordering = list(ordering)
    if not ordering:
        return ordering
    last = ordering[-1]
    if isinstance(last, str):
        if last.lstrip("-") in ("pk", model._meta.pk.name):
            return ordering
        descending = last.startswith("-")
    else:
        descending = isinstance(last, OrderBy) and last.descending
    return [*ordering, "-pk" if descending else "pk"]


def in_one_order(rows):
    """`rows` to be paged: a queryset ordered with the primary key last; anything else (a sequence
    such as a search's results, which orders itself) as it is. An unordered queryset stays
    unordered, and one ordered with `extra()` keeps it."""
    if not isinstance(rows, QuerySet) or rows.query.extra_order_by:
        return rows
    ordering = ordering_of(rows.query)
    ended = ending_with_primary_key(ordering, rows.model)
    return rows if len(ended) == len(ordering) else rows.order_by(*ended)
