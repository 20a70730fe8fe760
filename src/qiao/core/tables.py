"""The base of every list page's table (django-tables2)."""

import django_tables2 as tables
from django_tables2.data import TableQuerysetData

from .ordering import in_one_order

# `?per_page=` reaches the paginator as any integer typed into the address bar: below one the
# paginator fails, and a million would read a whole list onto one page.
MOST_PER_PAGE = 100


class Table(tables.Table):
    """A table whose pages keep one order: when it is paged, its ordering (a clicked column's, or
    the table's default, or else the model's) ends with the primary key (core/ordering.py); and
    whose pages hold 1 to MOST_PER_PAGE rows, whatever the address asks for."""

    def paginate(self, *args, **kwargs):
        if isinstance(self.data, TableQuerysetData):
            self.data.data = in_one_order(self.data.data)
        if kwargs.get("per_page") is not None:
            kwargs["per_page"] = min(max(kwargs["per_page"], 1), MOST_PER_PAGE)
        return super().paginate(*args, **kwargs)
