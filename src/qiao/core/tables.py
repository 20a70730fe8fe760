"""The base of every list page's table (django-tables2)."""

import django_tables2 as tables
from django_tables2.data import TableQuerysetData

from .ordering import in_one_order


class Table(tables.Table):
    """A table whose pages keep one order: when it is paged, its ordering (a clicked column's, or
    the table's default, or else the model's) ends with the primary key (core/ordering.py)."""

    def paginate(self, *args, **kwargs):
        if isinstance(self.data, TableQuerysetData):
            self.data.data = in_one_order(self.data.data)
        return super().paginate(*args, **kwargs)
