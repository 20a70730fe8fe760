"""What the permission engine needs to know about every user it serves (their roles, the public
pool's departments …), read in the query that loads the user instead of in queries of its own.

The two places that load a request's user, the API's token authentication and the session's
backend (core/authentication.py), annotate that query with one sub-select per registered fact,
each yielding a JSON list. `user_fact` then answers from the annotation, or, for a user loaded
any other way (a script, a factory, the employee an admin views as), with the fact's own query.
Read on their own, the roles and the pool's departments were two more queries per request
(bench/permissions, docs/benchmarks.md)."""

from collections.abc import Callable
from dataclasses import dataclass

from ..sql import CorrelatedSelect


@dataclass(frozen=True)
class UserFact:
    name: str
    # The SQL of a sub-select that yields the fact as a JSON list (core/sql.py `json_list`) for a
    # connection; `{user}` stands for the user's id column and `{org}` for their organization's.
    select: Callable
    # The same fact read with the ORM, for a user loaded without the annotation.
    load: Callable

    @property
    def attribute(self) -> str:
        return f"_qiao_fact_{self.name}"


_facts: dict[str, UserFact] = {}


def register_user_fact(fact: UserFact) -> None:
    if _facts.get(fact.name, fact) != fact:
        raise ValueError(f"another user fact is already named {fact.name!r}")
    _facts[fact.name] = fact


class UserFactValue(CorrelatedSelect):
    def __init__(self, user_path: str, fact: UserFact):
        super().__init__(user=f"{user_path}id", org=f"{user_path}org_id")
        self.fact = fact

    def select(self, connection) -> str:
        return f"({self.fact.select(connection)})"


def with_user_facts(queryset, user_path: str = ""):
    """`queryset` (of users, or of rows whose `user_path` leads to one, e.g. "user__") with every
    registered fact as an annotation; `keep_user_facts` moves them onto the user."""
    return queryset.annotate(**{fact.attribute: UserFactValue(user_path, fact) for fact in _facts.values()})


def keep_user_facts(row, user) -> None:
    """Moves the facts a query annotated `row` with (a token, say) onto its `user`."""
    for fact in _facts.values():
        if fact.attribute in row.__dict__:
            user.__dict__[fact.attribute] = row.__dict__[fact.attribute]


def user_fact(user, fact: UserFact) -> list:
    """`fact` about `user`: read with the user, or read now."""
    value = user.__dict__.get(fact.attribute)
    return fact.load(user) if value is None else value
