"""A scope as one WHERE condition that still knows its relation branches.

`visible_to` filters with `ScopeCondition(branches)`: the OR of the branches (owner, related
employee, department subtree, related departments, …). PostgreSQL answers the OR well for a page
of a user who sees many records (it walks the newest-first index and tests each row against hashed
sub-plans), but a COUNT over an OR reads every row of the organization. So `ScopedQuerySet.count()`
counts branch by branch instead: piece i is "branch i and none of the branches before it", the
pieces are disjoint and together give exactly the OR, and each piece is driven by its own index;
one statement adds the pieces' counts up (docs/benchmarks.md). A page of a user who sees few
records is read by pieces too (`piecewise_first_ids`, docs/permissions.md).

Branches must not need joins (`allow_joins=False` enforces it): a join added for one branch would
filter the rows of every other branch. Relations through other tables are `Exists` or `__in`
sub-queries. A branch through a many-to-many table also gives a second, equivalent form to count
by (`counted_by`, usually `IdIn`): inside the OR, `EXISTS` becomes one hashed sub-plan, which suits
the page; alone, PostgreSQL would answer `EXISTS` by scanning the whole record table, while
`id = ANY(ARRAY(…))` is a lookup of each related id."""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Expression, F, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact, In, IsNull
from django.db.models.sql.where import AND, OR, WhereNode

from ..ordering import ordering_of


@dataclass(frozen=True)
class Branch:
    condition: Q
    counted_by: Q | None = None  # the same rows, found from an index (for counting)
    # This branch's piece (it and none of the branches before it) counted from a relation table
    # alone, for a list of all the live records of the user's organization; see
    # `RelatedDepartmentsOwnedElsewhere`.
    counted_alone: "RelatedDepartmentsOwnedElsewhere | None" = None


@dataclass(frozen=True)
class RelatedDepartmentsOwnedElsewhere:
    """The live records of an organization related to one of `departments` and owned by none of
    them: the related-departments piece of a related_department user, whose branch follows the
    owner-department branch over the same departments (engine.py `main_object_branches`).

    Counted on PostgreSQL from the copies of each record's organization, owner department and
    liveness on its related-departments rows (core/migration_operations.py
    `related_department_facts`), from one index. The piece in the generic form looks up every
    related record to test those three facts: 21–35 ms of a 50 ms count at 1,000,000 customers,
    2 ms this way (bench/permissions, docs/benchmarks.md)."""

    links_table: str
    record_column: str
    org_id: int
    departments: tuple[int, ...]

    def count_sql(self, connection) -> tuple[str, list] | None:
        if connection.vendor != "postgresql" or not self.departments:
            return None
        departments = list(self.departments)
        return (
            f"(SELECT COUNT(DISTINCT {self.record_column}) FROM {self.links_table}"
            " WHERE record_live AND record_org_id = %s AND department_id = ANY(%s)"
            " AND (record_owner_department_id IS NULL OR NOT record_owner_department_id = ANY(%s)))",
            [self.org_id, departments, departments],
        )


class IdIn(Expression):
    """`column IN (sub-query)`; on PostgreSQL `column = ANY(ARRAY(sub-query))`, which the planner
    answers with an index lookup per id instead of a semi-join against a scan of the table."""

    conditional = True

    def __init__(self, column: str, subquery):
        super().__init__(output_field=BooleanField())
        self.column, self.subquery = F(column), Subquery(subquery)

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, expressions):
        self.column, self.subquery = expressions

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        subquery_sql, subquery_params = compiler.compile(self.subquery)
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (column_sql, subquery_sql), (*column_params, *subquery_params)


class IdInList(Expression):
    """`column IN (ids)` for integer ids known beforehand (a search's candidates); on PostgreSQL
    `column = ANY(%s::<type>[])` with the ids as one array literal. As one parameter each, a
    search's 1,800 candidates cost psycopg 3–7 ms per query to quote, and past 50 parameters it
    parses the statement anew every time; as a Python list, dumping it still took 1.1 ms
    (bench/permissions, 100,000 customers)."""

    conditional = True

    def __init__(self, column: str, ids):
        super().__init__(output_field=BooleanField())
        self.column, self.ids = F(column), [int(pk) for pk in ids]  # integer ids: written into one array literal

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        if not self.ids:
            raise EmptyResultSet
        column_sql, column_params = compiler.compile(self.column)
        if connection.vendor == "postgresql":
            array = "{" + ",".join(map(str, self.ids)) + "}"
            return f"{column_sql} = ANY(%s::{self.column.output_field.db_type(connection)}[])", (*column_params, array)
        return f"{column_sql} IN ({', '.join(['%s'] * len(self.ids))})", (*column_params, *self.ids)


class ScopeCondition(Expression):
    conditional = True

    def __init__(self, branches: list[Branch]):
        super().__init__(output_field=BooleanField())
        self.branches = branches
        self.any_branch = None  # resolved: the OR of every branch
        self.pieces: list[WhereNode] = []  # resolved: branch i AND NOT branch 0 … i-1

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.branches!r})"

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        if self.any_branch is not None:
            # Already resolved, now inside an outer query that uses this one as a sub-query.
            return super().resolve_expression(query, allow_joins, reuse, summarize, for_save)

        def resolve(condition: Q) -> WhereNode:
            return condition.resolve_expression(query, allow_joins=False, reuse=reuse, summarize=summarize)

        # Each condition is resolved once and shared by the OR and the pieces. Resolving is a part
        # of every list's time (an `EXISTS` clones its sub-query): for n branches the OR and the
        # pieces took 2n + n(n-1)/2 resolutions, now 2n - 1 (and one per `counted_by`), 20 → 11 for
        # the five branches of a related_department user, whose `visible_to` took 2.8 ms, now 2.3
        # (100,000 customers). Negations are Django's own, one per branch: negated, a lookup on a
        # nullable column also matches NULL (`NOT (x = 1 AND x IS NOT NULL)`), which a NOT around
        # the resolved condition would not, and the pieces would miss such rows.
        conditions = [resolve(branch.condition) for branch in self.branches]
        negations = [resolve(~branch.condition) for branch in self.branches[:-1]]
        resolved = self.copy()
        resolved.any_branch = WhereNode(conditions, OR)
        resolved.pieces = [
            WhereNode([resolve(branch.counted_by) if branch.counted_by else condition, *negations[:index]], AND)
            for index, (branch, condition) in enumerate(zip(self.branches, conditions, strict=True))
        ]
        return resolved

    def get_source_expressions(self):
        return [self.any_branch, *self.pieces] if self.any_branch is not None else []

    def set_source_expressions(self, expressions):
        if expressions:
            self.any_branch, *self.pieces = expressions

    def as_sql(self, compiler, connection):
        return compiler.compile(self.any_branch)


def piecewise_count(query, using) -> int | None:
    """The row count of `query` summed over its scope condition's disjoint pieces, or None when
    the query has no scope condition with several branches or is a shape (grouped, distinct,
    sliced, combined) whose count a sum of pieces would not give.

    One statement, `SELECT (SELECT COUNT(*) FROM (piece 1)) + (SELECT COUNT(*) FROM (piece 2)) …`:
    each piece keeps its own plan (both databases flatten the derived table, so PostgreSQL still
    counts from an index alone), and a list pays one round trip for its count instead of one per
    relation (bench/permissions, docs/benchmarks.md)."""

    def ids_in_any_order(piece_query):
        piece_query.clear_ordering(force=True)
        piece_query.clear_select_clause()
        piece_query.add_fields(["pk"])

    found = scope_pieces(query)
    if found is None:
        return None
    counted_alone = _counted_alone(query, found[2], connections[using])
    pieces = _compiled_pieces(query, using, ids_in_any_order, skip=set(counted_alone))
    counts = [f"(SELECT COUNT(*) FROM ({piece_sql}) piece)" for piece_sql, _params in pieces]
    counts += [count_sql for count_sql, _params in counted_alone.values()]
    if not counts:
        return 0
    parameters = [param for _sql, params in [*pieces, *counted_alone.values()] for param in params]
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(counts), parameters)
        return cursor.fetchone()[0]


def _counted_alone(query, condition: ScopeCondition, connection) -> dict[int, tuple[str, list]]:
    """Piece index → its count from a relation table alone (`Branch.counted_alone`), for the
    pieces that have one, when the query lists every live record of its organization that the
    scope reaches and nothing narrower: any other filter (a search, a list's filters) applies to
    the record's own row, so its pieces are counted in the generic form."""
    org_id = _org_of_live_records_list(query.where, condition)
    if org_id is None:
        return {}
    counted = {}
    for index, branch in enumerate(condition.branches):
        form = branch.counted_alone
        if form is not None and form.org_id == org_id and (count := form.count_sql(connection)) is not None:
            counted[index] = count
    return counted


def _org_of_live_records_list(node: WhereNode, condition: ScopeCondition) -> int | None:
    """The organization when `node` is the scope condition, `deleted_at IS NULL` and `org = <id>`
    and nothing else (the AND that `visible_to` builds; the live manager adds its own
    `deleted_at IS NULL`); otherwise None."""
    scope, live, orgs, others = 0, 0, [], 0
    for term in _and_terms(node):
        if isinstance(term, Exact) and term.lhs is condition:
            scope += 1
        elif isinstance(term, IsNull) and _column_of(term) == "deleted_at" and term.rhs is True:
            live += 1
        elif isinstance(term, Exact) and _column_of(term) == "org" and isinstance(term.rhs, int):
            orgs.append(term.rhs)
        else:
            others += 1
    return orgs[0] if scope == 1 and live and len(orgs) == 1 and not others else None


def _and_terms(node: WhereNode):
    """The terms of nested ANDs, or None for a term under OR or NOT."""
    if node.connector != AND or node.negated:
        yield None
        return
    for child in node.children:
        if isinstance(child, WhereNode):
            yield from _and_terms(child)
        else:
            yield child


def _column_of(lookup) -> str | None:
    target = getattr(lookup.lhs, "target", None)
    return target.name if target is not None else None


def piecewise_first_ids(query, stop: int, using) -> RawSQL | None:
    """A sub-query of the ids among which the first `stop` rows of `query`, in its order, are: the
    first `stop` of each piece of its scope condition. None when `query` cannot be read piece by
    piece (`scope_pieces`) or has no order given by name to read each piece in.

    Why: for a page PostgreSQL walks the newest-first index and tests each row against the OR of
    the branches, and it guesses that an `EXISTS` branch matches half of the rows. When the user
    sees few records, the walk reads most of the organization before it has a page (the page of a
    new team's lead with 12 customers: 253 ms at 1,000,000 customers, 3.8 ms by pieces;
    bench/permissions). Alone, each piece is planned with its own estimates and read from its own
    index. Orderings by name (fields, lookups through relations, annotations) are read by pieces;
    expressions and a random order are not."""
    ordering = ordering_of(query)
    if not ordering or query.extra_order_by or not all(isinstance(term, str) and term != "?" for term in ordering):
        return None

    def first_ids(piece_query):
        piece_query.clear_select_clause()
        piece_query.add_fields(["pk"])
        piece_query.set_limits(high=stop)

    pieces = _compiled_pieces(query, using, first_ids)
    if not pieces:  # None (not by pieces) or [] (no piece can match: neither can the query)
        return None
    selects = [f"SELECT * FROM ({piece_sql}) piece_{index}" for index, (piece_sql, _params) in enumerate(pieces)]
    return RawSQL(" UNION ALL ".join(selects), [param for _sql, params in pieces for param in params])


def _compiled_pieces(query, using, shape, skip: set[int] = frozenset()) -> list[tuple[str, list]] | None:
    """The SQL of each piece of the query's scope condition but those in `skip`: a copy of `query`
    with the piece in place of the whole condition, shaped by `shape(piece_query)`. Pieces that
    cannot match anything (e.g. `pk__in=[]`) are left out. None when the query is not read piece
    by piece."""
    found = scope_pieces(query)
    if found is None:
        return None
    pieces = []
    for index in range(len(found[2].pieces)):
        if index in skip:
            continue
        piece_query = query.chain()
        use_piece(piece_query, index)
        shape(piece_query)
        try:
            pieces.append(piece_query.get_compiler(using=using).as_sql())
        except EmptyResultSet:
            continue
    return pieces


def use_piece(query, index: int) -> None:
    """Replaces the scope condition of `query` (a copy of the caller's own) by its piece `index`."""
    parent, position, condition = _find_scope_condition(query.where)
    # A copy of the piece's nodes: they are shared with the OR and the other pieces, which a later
    # change to this query's WHERE must not reach.
    parent.children[position] = condition.pieces[index].clone()


def piecewise(queryset) -> list:
    """`queryset` as disjoint querysets whose rows together are exactly its rows: one per relation
    branch of its permission scope, or itself when the scope has a single branch (or none: `all`)."""
    found = _find_scope_condition(queryset.query.where)
    if found is None or len(found[2].pieces) < 2:
        return [queryset]
    pieces = []
    for index in range(len(found[2].pieces)):
        piece = queryset.all()
        use_piece(piece.query, index)
        pieces.append(piece)
    return pieces


def scope_pieces(query):
    """The (parent node, position, condition) of the query's scope condition when reading it piece
    by piece pays: it has several branches, the query is not grouped, distinct, sliced or combined
    (a sum of pieces would not give its count), computes no window (over a piece it would see that
    piece's rows only), and its rows are not already a list of ids. A list of ids (a search's
    matches) is read with one lookup per id; split into pieces, the broad branch of each piece
    would look up all of its rows instead (300 ms against 15 ms, measured)."""
    if query.group_by is not None or query.distinct or query.combinator or query.is_sliced:
        return None
    windows = [query.where, *query.annotations.values()]
    if any(getattr(expression, "contains_over_clause", False) for expression in windows):
        return None
    if _narrowed_to_listed_ids(query.where):
        return None
    found = _find_scope_condition(query.where)
    if found is None or len(found[2].pieces) < 2:
        return None
    return found


def _narrowed_to_listed_ids(node: WhereNode) -> bool:
    if node.connector != "AND" or node.negated:
        return False
    for child in node.children:
        if isinstance(child, In) and isinstance(child.rhs, (list, tuple, set)) and child.lhs.target.primary_key:
            return True
        listed = isinstance(child, Exact) and isinstance(child.lhs, IdInList) and child.rhs is True
        if listed and child.lhs.column.target.primary_key:
            return True
        if isinstance(child, WhereNode) and _narrowed_to_listed_ids(child):
            return True
    return False


def _find_scope_condition(node: WhereNode):
    """The (parent node, position, condition) of the first scope condition reached through AND
    nodes only: a scope condition under OR or NOT is not the query's whole permission filter."""
    if node.connector != "AND" or node.negated:
        return None
    for position, child in enumerate(node.children):
        if isinstance(child, Exact) and isinstance(child.lhs, ScopeCondition) and child.rhs is True:
            return node, position, child.lhs
        if isinstance(child, WhereNode) and (found := _find_scope_condition(child)):
            return found
    return None
