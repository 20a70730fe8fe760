"""The base of every list page's table (django-tables2)."""

import django_tables2 as tables
from django.db.models import QuerySet
from django_tables2.data import TableQuerysetData

from .ordering import ending_with_primary_key


class Table(tables.Table):
    """A table whose pages keep one order: when it is paged, its queryset's ordering (a clicked
    column's, or the table's default, or else the model's) gets the primary key as its last term
    (core/ordering.py)."""

    def paginate(self, *args, **kwargs):
        if isinstance(self.data, TableQuerysetData) and isinstance(self.data.data, QuerySet):
            queryset = self.data.data
            query = queryset.query
            ordering = query.order_by or (queryset.model._meta.ordering if query.default_ordering else ())
            self.data.data = queryset.order_by(*ending_with_primary_key(ordering, queryset.model))
        return super().paginate(*args, **kwargs)
