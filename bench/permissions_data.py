"""The data of bench/permissions: an organization of 2,000 employees in 200 departments six levels
deep, N customers with realistic relation spreads, and the five measured users. Imported by
bench/permissions.py once Django is set up; every size is generated from the same seed."""

import bisect
import datetime as dt
import functools
import math
import random
import secrets
import statistics
import time
from array import array
from dataclasses import dataclass, field

from benchkit import (
    CITIES,
    CREDIT_CODE_ALPHABET,
    GIVEN_NAMES,
    INDUSTRIES,
    NAME_WORDS,
    STREETS,
    SURNAMES,
    analyze,
    copy_rows,
    extra_columns,
    insert_rows,
    iso_time,
    m2m_table,
    m2m_through_models,
    pairs,
    postgres_bulk_load,
    reset_sequences,
    sqlite_time,
    words,
)
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from qiao.customers.chinese import parse_address, pinyin_keys, uscc_check_character
from qiao.customers.models import Customer
from qiao.customers.pool import customer_settings
from qiao.org.models import Department, Role, User
from qiao.org.services import organization_create

IS_POSTGRES = connection.vendor == "postgresql"

# ---------------------------------------------------------------------------------------------
# The shape of the data

EMPLOYEES = 2_000
# Departments per depth (1 = the organization's root): 200 in all, six levels deep.
DEPARTMENTS_PER_DEPTH = (1, 6, 18, 54, 96, 25)
# Head office and divisions are thin; the sales teams at the bottom hold most people.
HEADCOUNT_WEIGHT_BY_DEPTH = {1: 0.4, 2: 0.5, 3: 0.7, 4: 1.0, 5: 1.3, 6: 1.3}
MEASURED_DEPTH = 3  # the measured users' department: mid-level, with sub-departments down to depth 6
MEASURED_DEPARTMENT_HEADCOUNT = 8

POOL_SHARE = 0.08  # customers in the public pool: no owner
POOL_WITH_DEPARTMENT_SHARE = 0.5  # … of which half belong to a department's pool
OTHER_OWNER_DEPARTMENT_SHARE = 0.06  # owned, but kept under another department (after transfers)
RELATED_USERS_SHARE = 0.30  # customers with 1–3 related employees
RELATED_USERS_COUNTS = ((1, 0.6), (2, 0.3), (3, 0.1))
RELATED_COLLEAGUE_SHARE = 0.7  # related employees come mostly from the owner's own department
RELATED_DEPARTMENTS_SHARE = 0.15  # customers with 1–2 related departments
RELATED_DEPARTMENTS_COUNTS = ((1, 0.7), (2, 0.3))
DELETED_SHARE = 0.02  # in the recycle bin
HEAVY_OWNER_SHARE = 0.015  # key-account managers owning ten times the usual
HISTORY_YEARS = 5
SCOPES = ("owner", "related_employee", "owner_department", "related_department", "all")  # one measured user each
FLOOR_SCOPE = "none"  # one more user, who sees no customer: the API's cost without any data
# One more measured user: the lead of a team set up last week (scope owner_department), with
# fewer customers than a page. They are the newest customers, yet a list that walked the
# newest-first index would read every row looking for more.
NEW_TEAM = "owner_department, new team"
NEW_TEAM_SCOPE = "owner_department"
NEW_TEAM_CUSTOMERS = 12

# The cities, name words, industries, streets and people's names are benchkit's, shared with
# bench/imports.py and bench/opportunities.py.
REGIONS = words("华东 华南 华北 华中 西南 西北 东北 江苏 浙江 山东 福建 广东 四川 湖北 河南 河北 安徽 湖南")
DIVISIONS = ["销售中心", "渠道发展部", "大客户部", "客户服务中心", "市场部", "电商事业部"]
LEGAL_FORMS = ["有限公司", "有限责任公司", "股份有限公司", "商行", "经营部"]


# ---------------------------------------------------------------------------------------------
# The organization


@dataclass
class Organization:
    org_id: int
    admin_id: int
    department_ids: list[int]
    employee_ids: list[int]
    employee_department: dict[int, int]
    employees_by_department: dict[int, list[int]]
    owner_cumulative_weights: list[float]
    department_cumulative_weights: list[float]  # by headcount, for pools and related departments
    measured_department: Department
    measured_users: dict[str, User]  # scope code → the employee holding only that scope (FLOOR_SCOPE too)
    tokens: dict[str, str]


def build_tree_shape(rng: random.Random) -> list[list[int]]:
    """Parent index (into the previous depth) of every department, per depth. The upper levels are
    regular (six divisions of three regions of three branches); below, teams hang irregularly."""
    parents_per_depth = [[-1]]
    for depth in range(1, len(DEPARTMENTS_PER_DEPTH)):
        parent_count, count = DEPARTMENTS_PER_DEPTH[depth - 1], DEPARTMENTS_PER_DEPTH[depth]
        if count % parent_count == 0:
            parents = [index // (count // parent_count) for index in range(count)]
        else:
            parents = sorted(rng.randrange(parent_count) for _ in range(count))
        parents_per_depth.append(parents)
    return parents_per_depth


def department_name(depth: int, index: int, sibling_number: int) -> str:
    if depth == 2:
        return DIVISIONS[index % len(DIVISIONS)]
    if depth == 3:
        return f"{REGIONS[index % len(REGIONS)]}大区"
    if depth == 4:
        return f"{CITIES[index % len(CITIES)]}分部"
    if depth == 5:
        return f"销售{sibling_number:02d}部"
    return f"{sibling_number:02d}组"


def build_organization(rng: random.Random) -> Organization:
    organization, admin = organization_create(
        name="桥基准测试集团有限公司",
        admin_username="bench_admin",
        admin_password=f"Bench-{secrets.token_urlsafe(16)}",
        admin_full_name="基准管理员",
    )
    root = organization.root_department

    # Departments through treebeard's own API (200 nodes take a second or two), each level after
    # the one above and siblings in name order, so that no insertion shifts existing paths.
    shape = build_tree_shape(rng)
    ids_per_depth = [[root.pk]]
    for depth_index in range(1, len(shape)):
        children_of: dict[int, list[int]] = {}
        for index, parent_index in enumerate(shape[depth_index]):
            children_of.setdefault(parent_index, []).append(index)
        created = [0] * len(shape[depth_index])
        for parent_index, child_indexes in children_of.items():
            names = [
                (department_name(depth_index + 1, index, number), index)
                for number, index in enumerate(child_indexes, start=1)
            ]
            for name, index in sorted(names):
                parent = Department.objects.get(pk=ids_per_depth[depth_index - 1][parent_index])
                created[index] = Department.objects.add_child(parent, {"org": organization, "name": name}).pk
        ids_per_depth.append(created)

    departments = {d.pk: d for d in Department.objects.filter(org=organization)}
    depth_of = {pk: d.depth for pk, d in departments.items()}
    measured_department = choose_measured_department(departments)

    # Headcount per department by depth, scaled to EMPLOYEES (largest remainders), with the
    # measured department big enough to hold the five measured users among its staff.
    weights = {pk: HEADCOUNT_WEIGHT_BY_DEPTH[depth] for pk, depth in depth_of.items()}
    total_weight = sum(weights.values())
    exact = {pk: EMPLOYEES * weight / total_weight for pk, weight in weights.items()}
    headcount = {pk: max(1, math.floor(value)) for pk, value in exact.items()}
    headcount[measured_department.pk] = max(headcount[measured_department.pk], MEASURED_DEPARTMENT_HEADCOUNT)
    by_remainder = sorted(exact, key=lambda pk: exact[pk] - math.floor(exact[pk]), reverse=True)
    for pk in by_remainder[: max(0, EMPLOYEES - sum(headcount.values()))]:
        headcount[pk] += 1

    unusable_password = make_password(None)
    employees = []
    for department_id in sorted(headcount):
        for _ in range(headcount[department_id]):
            number = len(employees) + 1
            employees.append(
                User(
                    org=organization,
                    department_id=department_id,
                    username=f"bench_e{number:05d}",
                    full_name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_NAMES, k=rng.choice((1, 2)))),
                    phone=f"139{number:08d}",
                    position="销售代表",
                    password=unusable_password,
                )
            )
    User.objects.bulk_create(employees, batch_size=1000)
    employee_rows = list(
        User.objects.filter(org=organization, username__startswith="bench_e").values_list("pk", "department_id")
    )
    employee_ids = [pk for pk, _ in employee_rows]
    employee_department = dict(employee_rows)
    employees_by_department: dict[int, list[int]] = {}
    for pk, department_id in employee_rows:
        employees_by_department.setdefault(department_id, []).append(pk)

    # Who owns how much: log-normal around the mean, a few key-account managers with ten times
    # the usual, and head-office people with little.
    owner_weights = []
    for pk in employee_ids:
        weight = rng.lognormvariate(0, 0.8)
        if rng.random() < HEAVY_OWNER_SHARE:
            weight *= 10
        if depth_of[employee_department[pk]] <= 2:
            weight *= 0.2
        owner_weights.append(weight)
    department_ids = sorted(departments)
    department_weights = [len(employees_by_department.get(pk, ())) + 1 for pk in department_ids]

    owner_weight_of = dict(zip(employee_ids, owner_weights, strict=True))
    measured_users, tokens = create_measured_users(organization, measured_department, owner_weight_of)
    # The public pool (CUS-12) is a view rule beside the scopes: open here to a team outside the
    # measured subtree, so that the measured users see exactly what their scopes give them.
    pool_team = next(d for d in departments.values() if not d.path.startswith(measured_department.path) and d.depth > 1)
    customer_settings(organization.pk).pool_departments.set([pool_team])
    return Organization(
        org_id=organization.pk,
        admin_id=admin.pk,
        department_ids=department_ids,
        employee_ids=employee_ids,
        employee_department=employee_department,
        employees_by_department=employees_by_department,
        owner_cumulative_weights=cumulative(owner_weights),
        department_cumulative_weights=cumulative(department_weights),
        measured_department=measured_department,
        measured_users=measured_users,
        tokens=tokens,
    )


def choose_measured_department(departments: dict[int, Department]) -> Department:
    """A depth-3 department whose subtree reaches the bottom level; of those, the one with the
    median subtree size, so the department scopes see a typical, not an extreme, slice."""
    bottom = len(DEPARTMENTS_PER_DEPTH)
    candidates = []
    for department in departments.values():
        if department.depth != MEASURED_DEPTH:
            continue
        subtree = [d for d in departments.values() if d.path.startswith(department.path)]
        if max(d.depth for d in subtree) == bottom:
            candidates.append((len(subtree), department.path, department))
    candidates.sort(key=lambda candidate: candidate[:2])
    return candidates[len(candidates) // 2][2]


def create_measured_users(organization, department: Department, owner_weight_of: dict[int, float]) -> tuple[dict, dict]:
    """Five employees of `department`, each with one role holding one scope for customers. They
    are its most typical owners (closest to the organization's median share), so that no scope is
    measured on a key-account manager with ten times the usual records, or on someone with none."""
    measured_users, tokens = {}, {}
    median_weight = statistics.median(owner_weight_of.values())
    staff = sorted(
        department.employees.values_list("pk", flat=True),
        key=lambda pk: (abs(owner_weight_of[pk] - median_weight), pk),
    )
    for scope, user_id in zip((*SCOPES, FLOOR_SCOPE), staff, strict=False):
        user = User.objects.get(pk=user_id)
        measured_users[scope] = user
        tokens[scope] = give_measured_role(organization.pk, user, scope, name=f"基准-{scope}")
    return measured_users, tokens


def give_measured_role(org_id: int, user: User, scope: str, *, name: str) -> str:
    """`user`'s only role: `scope` for customers, with every customer function permission; returns
    the user's API token."""
    role = Role.objects.create(
        org_id=org_id,
        name=name,
        permissions=[f"customer.{action}" for action in ("view", "add", "change", "delete")],
        data_scopes={"customer": {"view": scope, "edit": scope, "delete": scope}},
    )
    user.roles.set([role])
    return Token.objects.create(user=user).key


def add_new_team(organization: Organization) -> None:
    """NEW_TEAM: a department under the head office with its lead, who holds the owner_department
    scope, and NEW_TEAM_CUSTOMERS customers, added after the load with `Customer.objects.create`
    (not the customer service, so without the search keys, which the list does not read), outside
    the measured department's subtree, which stays as it was."""
    head_office = Department.objects.get(org_id=organization.org_id, depth=1)
    team = Department.objects.add_child(head_office, {"org_id": organization.org_id, "name": "新组建团队"})
    lead = User.objects.create(
        org_id=organization.org_id, department=team, username="bench_new_team_lead", full_name="新团队主管"
    )
    for number in range(1, NEW_TEAM_CUSTOMERS + 1):
        Customer.objects.create(
            org_id=organization.org_id, name=f"新团队客户{number:02d}有限公司", owner=lead, owner_department=team
        )
    organization.measured_users[NEW_TEAM] = lead
    organization.tokens[NEW_TEAM] = give_measured_role(organization.org_id, lead, NEW_TEAM_SCOPE, name="基准-新团队")


def cumulative(weights: list[float]) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def weighted_pick(rng: random.Random, items: list[int], cumulative_weights: list[float]) -> int:
    return items[bisect.bisect_left(cumulative_weights, rng.random() * cumulative_weights[-1])]


def pick_by_share(rng: random.Random, shares):
    """One value of (value, share) pairs whose shares add up to 1, drawn with one random number."""
    draw = rng.random()
    for value, share in shares:
        draw -= share
        if draw < 0:
            return value
    return shares[-1][0]


# ---------------------------------------------------------------------------------------------
# The customers


@dataclass
class CustomerRows:
    """Customers are generated in creation order (ids follow created_at, as in a live system) and
    streamed to the database in chunks; the many-to-many pairs are collected for a second pass."""

    related_users: array = field(default_factory=lambda: array("q"))  # customer, user, customer, user …
    related_departments: array = field(default_factory=lambda: array("q"))


def creation_times(rng: random.Random, count: int, now: dt.datetime) -> list[dt.datetime]:
    """`count` times over the last HISTORY_YEARS, denser towards today (the business grows)."""
    span = HISTORY_YEARS * 365 * 86_400
    offsets = sorted(span * rng.random() ** (1 / 1.6) for _ in range(count))
    start = now - dt.timedelta(seconds=span)
    return [start + dt.timedelta(seconds=offset) for offset in offsets]


KNOWN_COLUMNS = (
    "id",
    "org_id",
    "version",
    "created_at",
    "updated_at",
    "deleted_at",
    "deleted_by_id",
    "owner_id",
    "owner_department_id",
    "created_by_id",
    "name",
    "phone",
    "unified_social_credit_code",
    "notes",
    # What prepare_customer derives, so that search (CUS-6) has realistic keys to look through
    "name_pinyin",
    "name_initials",
    "name_key",
    "phone_digits",
    "province",
    "city",
    "address",
)


def customer_extra_columns() -> list[tuple[str, object]]:
    """Columns of Customer this benchmark does not vary (the rest of the CUS-1 archive)."""
    return extra_columns(Customer, KNOWN_COLUMNS)


CITY_ADDRESS = {city: (parse_address(city).province, parse_address(city).city or city) for city in CITIES}


@functools.cache
def part_keys(part: str) -> tuple[str, str]:
    return pinyin_keys(part)


def name_search_keys(stem_parts: tuple[str, ...], legal_form: str) -> tuple[str, str, str]:
    """(name_pinyin, name_initials, name_key) of a generated name, from its parts' pinyin (cached:
    pinyin of a million whole names would take minutes). The name key is the name without its legal
    form, which is what company_name_key gives for these plain generated names."""
    keys = [part_keys(part) for part in (*stem_parts, legal_form)]
    return "".join(full for full, _ in keys), "".join(initials for _, initials in keys), "".join(stem_parts)


def customer_rows(rng: random.Random, organization: Organization, count: int, collected: CustomerRows, format_time):
    """Yield customer rows (KNOWN_COLUMNS order, then the extras) and collect the M2M pairs."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    employee_ids, department_ids = organization.employee_ids, organization.department_ids
    extras = tuple(value for _, value in customer_extra_columns())
    for customer_id, created_at in enumerate(creation_times(rng, count, now), start=1):
        owner_id = owner_department_id = None
        if rng.random() < POOL_SHARE:
            if rng.random() < POOL_WITH_DEPARTMENT_SHARE:
                owner_department_id = weighted_pick(rng, department_ids, organization.department_cumulative_weights)
        else:
            owner_id = weighted_pick(rng, employee_ids, organization.owner_cumulative_weights)
            owner_department_id = organization.employee_department[owner_id]
            if rng.random() < OTHER_OWNER_DEPARTMENT_SHARE:
                owner_department_id = weighted_pick(rng, department_ids, organization.department_cumulative_weights)

        if rng.random() < RELATED_USERS_SHARE:
            colleagues = organization.employees_by_department.get(organization.employee_department.get(owner_id), ())
            chosen = set()
            for _ in range(pick_by_share(rng, RELATED_USERS_COUNTS)):
                if colleagues and rng.random() < RELATED_COLLEAGUE_SHARE:
                    chosen.add(rng.choice(colleagues))
                else:
                    chosen.add(rng.choice(employee_ids))
            chosen.discard(owner_id)
            for user_id in sorted(chosen):
                collected.related_users.extend((customer_id, user_id))
        if rng.random() < RELATED_DEPARTMENTS_SHARE:
            chosen = {
                weighted_pick(rng, department_ids, organization.department_cumulative_weights)
                for _ in range(pick_by_share(rng, RELATED_DEPARTMENTS_COUNTS))
            }
            for department_id in sorted(chosen):
                collected.related_departments.extend((customer_id, department_id))

        updated_at = min(now, created_at + dt.timedelta(days=rng.random() * 200))
        deleted_at = deleted_by_id = None
        if rng.random() < DELETED_SHARE:
            deleted_at = format_time(updated_at)
            deleted_by_id = owner_id or organization.admin_id
        city, legal_form = rng.choice(CITIES), rng.choice(LEGAL_FORMS)
        stem_parts = (city, rng.choice(NAME_WORDS), rng.choice(NAME_WORDS), rng.choice(INDUSTRIES))
        name = "".join(stem_parts) + legal_form
        mobile = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        credit_code = "91" + "".join(rng.choices(CREDIT_CODE_ALPHABET, k=15))
        yield (
            customer_id,
            organization.org_id,
            1,
            format_time(created_at),
            format_time(updated_at),
            deleted_at,
            deleted_by_id,
            owner_id,
            owner_department_id,
            owner_id or organization.admin_id,
            name,
            f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}",  # as prepare_customer writes a mobile number
            credit_code + uscc_check_character(credit_code),
            "" if rng.random() < 0.8 else "老客户介绍，关注价格和账期。",
            *name_search_keys(stem_parts, legal_form),
            mobile,
            *CITY_ADDRESS[city],
            f"{CITY_ADDRESS[city][1]}{rng.choice(STREETS)}{rng.randrange(1, 999)}号",
            *extras,
        )


@dataclass
class LoadTimes:
    organization: float = 0.0
    customers: float = 0.0
    relations: float = 0.0
    indexes: float = 0.0
    analyze: float = 0.0

    @property
    def total(self) -> float:
        return self.organization + self.customers + self.relations + self.indexes + self.analyze


def load_data(rng: random.Random, rows: int) -> tuple[Organization, LoadTimes]:
    times = LoadTimes()
    started = time.perf_counter()
    with transaction.atomic():
        organization = build_organization(rng)
    times.organization = time.perf_counter() - started

    columns = [*KNOWN_COLUMNS, *(column for column, _ in customer_extra_columns())]
    collected = CustomerRows()
    users_table = m2m_table(Customer, "related_users")
    departments_table = m2m_table(Customer, "related_departments")
    tables = [Customer._meta.db_table, users_table[0], departments_table[0]]
    if IS_POSTGRES:
        with postgres_bulk_load(tables) as rebuild:
            started = time.perf_counter()
            copy_rows(Customer._meta.db_table, columns, customer_rows(rng, organization, rows, collected, iso_time))
            times.customers = time.perf_counter() - started
            started = time.perf_counter()
            copy_rows(users_table[0], users_table[1:], pairs(collected.related_users))
            copy_rows(departments_table[0], departments_table[1:], pairs(collected.related_departments))
            times.relations = time.perf_counter() - started
        times.indexes = rebuild.seconds
    else:
        started = time.perf_counter()
        with transaction.atomic():
            insert_rows(
                Customer._meta.db_table, columns, customer_rows(rng, organization, rows, collected, sqlite_time)
            )
        times.customers = time.perf_counter() - started
        started = time.perf_counter()
        with transaction.atomic():
            insert_rows(users_table[0], users_table[1:], pairs(collected.related_users))
            insert_rows(departments_table[0], departments_table[1:], pairs(collected.related_departments))
        times.relations = time.perf_counter() - started
    reset_sequences([Customer, *m2m_through_models(Customer, ("related_users", "related_departments"))])
    times.analyze = analyze([*tables, "org_department", "org_user"])
    with transaction.atomic():
        add_new_team(organization)
    return organization, times
