"""bench/permissions: how fast the permission engine serves the first page of a customer list.

An organization of 2,000 employees in 200 departments six levels deep owns N customers with
realistic owner / owner-department / related-employee / related-department spreads. Five
employees of one mid-level department each hold one data scope (owner … all). For each of them
the benchmark times the first API page (GET /api/v1/customers/?page_size=50: 50 rows, newest
first, with the total count) and, in the same run and interleaved with it, the same page and
count through a hand-written SQL query, then prints the table and checks the targets:

- API p95 ≤ 60 ms for the department scopes (and the narrower ones), ≤ 150 ms for `all`;
- API p95 ≤ 2.5 × the hand-written query's p95;
- from the smallest to the largest size, the API time grows by no more than the count costs.

    .venv/bin/python bench/permissions.py --database postgres                 # 100,000 and 1,000,000
    .venv/bin/python bench/permissions.py --database postgres --rows 1000000
    .venv/bin/python bench/permissions.py --database sqlite                   # 10,000 and 100,000

Every size gets a fresh database (PostgreSQL: `qiao_bench`, dropped at the end unless --keep;
SQLite: a file under /tmp/qiao-bench-var), migrated with `qiao migrate`. See bench/README.md.
"""

import argparse
import random
import sys
import time
import urllib.parse
from pathlib import Path

import benchkit
from benchkit import VAR_DIR, background_load, milliseconds_of, p95

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/qiao_bench"
DEFAULT_SQLITE_PATH = VAR_DIR / "bench-permissions.sqlite3"
DEFAULT_ROWS = {"postgres": [100_000, 1_000_000], "sqlite": [10_000, 100_000]}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"], required=True)
    parser.add_argument(
        "--rows",
        type=int,
        nargs="+",
        help="customer counts to measure, each on a fresh database (default: postgres 100000 1000000, "
        "sqlite 10000 100000); with two or more sizes the growth check compares the smallest and the largest",
    )
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per user and size (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (default 5)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the generated data")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="its database is dropped and re-created")
    parser.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE_PATH)
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60,
        help="before each user, wait up to this many seconds for other processes to leave the CPUs (default 60)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the plans of the engine's and the hand-written count and page for the department-scope users",
    )
    parser.add_argument("--keep", action="store_true", help="keep the last database for inspection")
    arguments = parser.parse_args()
    arguments.rows = sorted(arguments.rows or DEFAULT_ROWS[arguments.database])
    benchkit.require_p95_samples(parser, arguments, "repeat")
    if arguments.database == "postgres":
        # The database is dropped at every size.
        benchkit.require_bench_database(parser, arguments.postgres_url)
    return arguments


ARGUMENTS = parse_arguments()
benchkit.setup_django(benchkit.database_url(ARGUMENTS))

# The project, once Django is set up.
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from permissions_data import FLOOR_SCOPE, NEW_TEAM, NEW_TEAM_SCOPE, SCOPES, Organization, load_data  # noqa: E402
from permissions_results import ScopeResult, SearchResult, SizeResult, format_load, report  # noqa: E402
from permissions_sql import (  # noqa: E402
    IS_POSTGRES,
    PAGE_SIZE,
    hand_written_queries,
    run_hand_written,
    run_query,
    search_queries,
)
from rest_framework.test import APIClient  # noqa: E402

from qiao.core.permissions import Scope  # noqa: E402
from qiao.customers.models import Customer  # noqa: E402
from qiao.org.models import Department, User  # noqa: E402

API_PATH = f"/api/v1/customers/?page_size={PAGE_SIZE}"


# ---------------------------------------------------------------------------------------------
# Fresh database per size (benchkit)


def drop_database() -> None:
    benchkit.drop_database(ARGUMENTS.postgres_url, ARGUMENTS.sqlite_path)


def reset_database() -> float:
    """Drop and re-create the benchmark database, migrate it; returns the seconds it took."""
    return benchkit.reset_database(ARGUMENTS.postgres_url, ARGUMENTS.sqlite_path)


# ---------------------------------------------------------------------------------------------
# Measuring


def wait_for_quiet_machine() -> float | None:
    return benchkit.wait_for_quiet_machine(ARGUMENTS.quiet_wait)


def api_client(token: str) -> APIClient:
    """A client that authenticates every request with the token, as an API consumer does (not
    force_authenticate, which would skip the token lookup and keep the user's roles cached)."""
    return APIClient(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="zh-hans")


def fetch_page(client: APIClient):
    # secure=True: the production settings redirect plain HTTP to HTTPS.
    response = client.get(API_PATH, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {API_PATH} answered {response.status_code}: {response.content[:300]!r}")
    return response


# Measured user → their scope: one user per scope, and the new team's lead.
MEASURED = {**{scope: scope for scope in SCOPES}, NEW_TEAM: NEW_TEAM_SCOPE}


def measure_scope(organization: Organization, measured: str) -> ScopeResult:
    scope = MEASURED[measured]
    user = organization.measured_users[measured]
    client = api_client(organization.tokens[measured])
    subtree_prefix = organization.measured_department.path
    queries = hand_written_queries(scope, user, subtree_prefix)
    engine_user = User.objects.get(pk=user.pk)
    engine_queryset = Customer.objects.visible_to(engine_user, "view")

    # Both answers must agree before their speed means anything.
    body = fetch_page(client).json()
    total, page = run_hand_written(queries)
    api_ids = [row["id"] for row in body["results"]]
    if body["count"] != total or api_ids != [row[0] for row in page]:
        raise AssertionError(
            f"{measured}: API ({body['count']}, {api_ids[:5]}…) ≠ SQL ({total}, {[r[0] for r in page][:5]}…)"
        )
    for api_row, sql_row in zip(body["results"], page, strict=True):
        *_, related_user_ids, related_department_ids, _tag_names = sql_row
        if (set(api_row["related_users"]), set(api_row["related_departments"])) != (
            as_id_set(related_user_ids),
            as_id_set(related_department_ids),
        ):
            raise AssertionError(f"{measured}: related ids of customer {api_row['id']} differ between API and SQL")

    connection.ensure_connection()
    with CaptureQueriesContext(connection) as captured:
        fetch_page(client)
    queries_per_request = len(captured.captured_queries)

    for _ in range(ARGUMENTS.warmup):
        fetch_page(client)
        run_hand_written(queries)
        engine_queryset.count()
        list(engine_queryset[:PAGE_SIZE])

    load_before = wait_for_quiet_machine()
    result = ScopeResult(measured, total, queries_per_request)
    count_query, page_query = queries
    for _ in range(ARGUMENTS.repeat):
        # Interleaved, so that whatever else the machine does touches all the series alike.
        result.api_ms.append(milliseconds_of(lambda: fetch_page(client))[0])
        # The hand-written query starts on an open connection: it is the query's cost alone.
        # (On SQLite the project's CONN_MAX_AGE = 0 closes it after every request.)
        connection.ensure_connection()
        result.sql_ms.append(milliseconds_of(lambda: run_hand_written(queries))[0])
        result.sql_count_ms.append(milliseconds_of(lambda: run_query(count_query))[0])
        result.sql_page_ms.append(milliseconds_of(lambda: run_query(page_query))[0])
        # Counted first, on the same object, as paginators do: a list that counted few records
        # then pages by pieces (core/models/base.py).
        result.engine_count_ms.append(milliseconds_of(engine_queryset.count)[0])
        result.engine_page_ms.append(milliseconds_of(lambda: list(engine_queryset[:PAGE_SIZE]))[0])
    loads = [load for load in (load_before, background_load()) if load is not None]
    result.background_load = max(loads) if loads else None
    return result


def measure_floor(organization: Organization) -> list[float]:
    """The API's cost without data: the same request by an employee whose scope is `none`, so
    authentication, roles, middleware and an empty page, and no customer query."""
    client = api_client(organization.tokens[FLOOR_SCOPE])
    if fetch_page(client).json()["count"] != 0:
        raise AssertionError("the floor's employee sees customers")
    for _ in range(ARGUMENTS.warmup):
        fetch_page(client)
    wait_for_quiet_machine()
    return [milliseconds_of(lambda: fetch_page(client))[0] for _ in range(ARGUMENTS.repeat)]


SEARCH_SCOPES = ("owner_department", "related_department")


def search_terms_for(user: User) -> list[tuple[str, str]]:
    """What a user types into the search box, taken from the newest customer they can see: two
    characters of its name, the first four pinyin initials, the last six digits of its phone."""
    name_key, initials, phone_digits = (
        Customer.objects.visible_to(user)
        .order_by("-created_at")
        .values_list("name_key", "name_initials", "phone_digits")[0]
    )
    return [("name", name_key[-4:-2]), ("initials", initials[:4]), ("phone digits", phone_digits[-6:])]


def measure_search(organization: Organization, scope: str) -> list[SearchResult]:
    user = User.objects.get(pk=organization.measured_users[scope].pk)
    client = api_client(organization.tokens[scope])
    results = []
    for kind, term in search_terms_for(user):
        path = f"{API_PATH}&search={urllib.parse.quote(term)}"
        queries = search_queries(scope, user, organization.measured_department.path, term)

        def fetch(path=path):
            response = client.get(path, secure=True)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            return response.json()

        def run_sql(queries=queries):
            return run_query(queries[0])[0][0], run_query(queries[1])

        body, (total, page) = fetch(), run_sql()
        if body["count"] != total or [row["id"] for row in body["results"]] != [row[0] for row in page]:
            raise AssertionError(f"search {term!r} as {scope}: API {body['count']} rows ≠ SQL {total} rows")
        for _ in range(ARGUMENTS.warmup):
            fetch()
            run_sql()
        load_before = wait_for_quiet_machine()
        result = SearchResult(scope, kind, term, total)
        for _ in range(ARGUMENTS.repeat):
            result.api_ms.append(milliseconds_of(fetch)[0])
            connection.ensure_connection()
            result.sql_ms.append(milliseconds_of(run_sql)[0])
        loads = [load for load in (load_before, background_load()) if load is not None]
        result.background_load = max(loads) if loads else None
        results.append(result)
    return results


def as_id_set(value) -> set[int]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {int(part) for part in value.split(",")}
    return set(value)


def explain_queries(organization: Organization) -> None:
    """The plans of the engine's count and page queries for the department-scope users, and of
    the hand-written ones next to them."""
    for scope in ("owner_department", "related_department"):
        user = User.objects.get(pk=organization.measured_users[scope].pk)
        queryset = Customer.objects.visible_to(user, "view")
        # The engine counts relation by relation: one COUNT per branch, then the page.
        with CaptureQueriesContext(connection) as counting:
            queryset.count()
        with CaptureQueriesContext(connection) as paging:
            list(queryset[:PAGE_SIZE])
        engine_queries = [
            *((f"count {number}", query["sql"], None) for number, query in enumerate(counting.captured_queries, 1)),
            ("page", paging.captured_queries[-1]["sql"], None),
        ]
        hand_written = [
            (label, *query)
            for label, query in zip(
                ("count", "page"), hand_written_queries(scope, user, organization.measured_department.path), strict=True
            )
        ]
        for source, queries in (("engine", engine_queries), ("hand-written", hand_written)):
            for label, sql, params in queries:
                print(f"\n### {source} {label}, {scope}: EXPLAIN {'ANALYZE' if IS_POSTGRES else 'QUERY PLAN'}\n")
                print(sql.strip())
                print(f"-- parameters: {params}\n" if params else "")
                with connection.cursor() as cursor:
                    if IS_POSTGRES:
                        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                        print("\n".join(row[0] for row in cursor.fetchall()))
                    else:
                        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                        print("\n".join(f"{row[0]:>3} {row[1]:>3}  {row[-1]}" for row in cursor.fetchall()))


def run_size(rows: int) -> SizeResult:
    print(f"\n== {rows:,} customers on {connection.vendor}", flush=True)
    migrate_seconds = reset_database()
    rng = random.Random(ARGUMENTS.seed)
    organization, load = load_data(rng, rows)
    print(
        f"   data generation {load.total:.1f} s (organization {load.organization:.1f} s, customers "
        f"{load.customers:.1f} s, relations {load.relations:.1f} s, indexes and constraints {load.indexes:.1f} s, "
        f"analyze {load.analyze:.1f} s); migrate {migrate_seconds:.1f} s",
        flush=True,
    )
    department = organization.measured_department
    subtree = Department.objects.filter(path__startswith=department.path)
    print(
        f"   measured department: {department.name} (depth {department.depth}, {subtree.count()} departments "
        f"in its subtree, {len(organization.employees_by_department[department.pk])} employees)",
        flush=True,
    )
    results = []
    for measured in MEASURED:
        result = measure_scope(organization, measured)
        print(
            f"   {measured:<27} {result.visible_rows:>9,} rows  API p95 {p95(result.api_ms):7.1f} ms  "
            f"SQL p95 {p95(result.sql_ms):7.1f} ms  background load {format_load(result.background_load)}",
            flush=True,
        )
        results.append(result)
    floor_ms = measure_floor(organization)
    print(f"   {'floor (scope none)':<27}         0 rows  API p95 {p95(floor_ms):7.1f} ms", flush=True)
    searches = []
    for scope in SEARCH_SCOPES:
        for search in measure_search(organization, scope):
            print(
                f"   search {search.kind:<13} {search.term!r:<10} as {scope:<19} {search.matches:>7,} rows  "
                f"API p95 {p95(search.api_ms):7.1f} ms  SQL p95 {p95(search.sql_ms):7.1f} ms",
                flush=True,
            )
            searches.append(search)
    if ARGUMENTS.explain:
        explain_queries(organization)
    return SizeResult(rows, load, migrate_seconds, results, department.path, subtree.count(), floor_ms, searches)


def main() -> int:
    if len(set(Scope.__members__)) - 1 != len(SCOPES):  # every scope but `none` is measured
        raise SystemExit("the engine's scopes changed: update SCOPES")
    started = time.perf_counter()
    sizes = [run_size(rows) for rows in ARGUMENTS.rows]
    passed = report(sizes, ARGUMENTS, API_PATH)
    if not ARGUMENTS.keep:
        drop_database()
    print(f"\nWhole run: {time.perf_counter() - started:.0f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
