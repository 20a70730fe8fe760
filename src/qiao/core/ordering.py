"""Orderings that page well: any list that is read page by page (the API's `?ordering=`, a table
column clicked on a page) ends its ordering with the primary key, so that records which tie on the
chosen fields (seven customers named 张三, twenty opportunities in one stage) keep one order from
page to page. Without it the database may order the tied rows differently for each page, and
paging shows one of them twice and skips another."""

from django.db.models import OrderBy


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
