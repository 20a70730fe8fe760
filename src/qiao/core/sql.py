"""Sub-selects written as SQL that a query reads as one column per row: the API's linked values
(core/viewsets.py) and the permission engine's user facts (core/permissions/facts.py). They are
written directly, not built with the ORM: compiling an ORM sub-query cost about what running a
query of its own did (~0.7 ms per field and request, bench/permissions)."""

import json
from dataclasses import dataclass

from django.db import models
from django.db.models import Expression, F


class JSONListField(models.Field):
    """A column that holds a list: PostgreSQL's array or json, or SQLite's JSON text."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return []
        return json.loads(value) if isinstance(value, str) else list(value)


class CorrelatedSelect(Expression):
    """A sub-select given as SQL (`select(connection)`, which subclasses write) that yields a list,
    correlated on columns of the outer query: `{name}` in the SQL stands for the column at the
    field path `correlated[name]`, compiled so that it follows the outer query's table aliases."""

    def __init__(self, **correlated: str):
        super().__init__(output_field=JSONListField())
        self.names = list(correlated)
        self.columns = [F(path) for path in correlated.values()]

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, expressions):
        self.columns = list(expressions)

    def select(self, connection) -> str:
        raise NotImplementedError

    def as_sql(self, compiler, connection):
        sql = self.select(connection)
        for name, column in zip(self.names, self.columns, strict=True):
            column_sql, column_params = compiler.compile(column)
            if column_params:  # a column of the outer query has none; parameters would fall out of order
                raise ValueError(f"{name} must be a plain column")
            sql = sql.replace(f"{{{name}}}", column_sql)
        return sql, ()


@dataclass(frozen=True)
class Link:
    """The table of a many-to-many field and its two columns, quoted for one connection."""

    table: str
    source: str  # the id of the model that declares the field
    target: str  # the id of the linked model


def link_of(model, field_name: str, connection) -> Link:
    quote = connection.ops.quote_name
    m2m = model._meta.get_field(field_name)
    link = m2m.remote_field.through._meta
    return Link(
        quote(link.db_table),
        quote(link.get_field(m2m.m2m_field_name()).column),
        quote(link.get_field(m2m.m2m_reverse_field_name()).column),
    )


def json_list(connection, value: str, rows: str, order: str, *, value_is_json: bool = False) -> str:
    """A sub-select yielding the JSON list of `value` over `rows` (FROM … WHERE …), in `order`.
    SQLite keeps a JSON value's type only within one SELECT: a value that is itself JSON
    (`value_is_json`) is read back with json() above the ordering sub-select."""
    if connection.vendor == "postgresql":
        return f"SELECT json_agg({value} ORDER BY {order}) {rows}"
    element = "json(listed.value)" if value_is_json else "listed.value"
    return f"SELECT json_group_array({element}) FROM (SELECT {value} AS value {rows} ORDER BY {order}) listed"
