"""What the permission engine needs to know about every user it serves (their roles, the public
pool's departments …), read in the query that loads the user instead of in queries of its own.

A request loads its user once: the API's token authentication and the session's backend
(core/authentication.py) annotate that query with one sub-select per registered fact, each
yielding a JSON list. `user_fact` then answers from the annotation, or, for a user loaded any
other way (a factory, `User.objects.get`), with the fact's own query. Read on their own, the roles
and the pool's departments were two more round trips per request, about 1 ms each with their
compiling on the benchmark's machine (bench/permissions)."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Expression, F


@dataclass(frozen=True)
class UserFact:
    # The SQL of a sub-select that yields the fact as a JSON list (PostgreSQL json, SQLite text),
    # for a connection; `{user}` stands for the user's id column and `{org}` for their organization's.
    select: Callable
    # The same fact read with the ORM, for a user loaded without the annotation.
    load: Callable


_facts: dict[str, UserFact] = {}


def register_user_fact(name: str, fact: UserFact) -> None:
    _facts[name] = fact


def _attribute(name: str) -> str:
    return f"_qiao_fact_{name}"


class JSONListField(models.Field):
    """A column that holds a list: PostgreSQL's array or json, or SQLite's JSON text."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return []
        return json.loads(value) if isinstance(value, str) else list(value)


class UserFactValue(Expression):
    """One fact as a column of the query that loads the user. The sub-select is written directly
    (compiling it with the ORM would cost what the separate query did); only the user's id and
    organization columns are compiled, so that they follow the outer query's aliases."""

    def __init__(self, user_path: str, fact: UserFact):
        super().__init__(output_field=JSONListField())
        self.user, self.org = F(f"{user_path}id"), F(f"{user_path}org_id")
        self.fact = fact

    def get_source_expressions(self):
        return [self.user, self.org]

    def set_source_expressions(self, expressions):
        self.user, self.org = expressions

    def as_sql(self, compiler, connection):
        user_sql, user_params = compiler.compile(self.user)
        org_sql, org_params = compiler.compile(self.org)
        if user_params or org_params:  # columns of the outer query never have parameters
            raise ValueError("a user fact is correlated on plain columns")
        select = self.fact.select(connection).replace("{user}", user_sql).replace("{org}", org_sql)
        return f"({select})", ()


def with_user_facts(queryset, user_path: str = ""):
    """`queryset` (of users, or of rows whose `user_path` leads to one, e.g. "user__") with every
    registered fact as an annotation; `keep_user_facts` moves them onto the user."""
    return queryset.annotate(**{_attribute(name): UserFactValue(user_path, fact) for name, fact in _facts.items()})


def keep_user_facts(row, user) -> None:
    """Moves the facts a query annotated `row` with (a token, say) onto its `user`."""
    for name in _facts:
        attribute = _attribute(name)
        if attribute in row.__dict__:
            user.__dict__[attribute] = row.__dict__[attribute]


def user_fact(user, name: str) -> list:
    """The fact `name` about `user`: read with the user, or read now."""
    value = user.__dict__.get(_attribute(name))
    return _facts[name].load(user) if value is None else value
