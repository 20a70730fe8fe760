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
import bisect
import contextlib
import datetime as dt
import math
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path("/tmp/qiao-bench-var")
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
    parser.add_argument("--explain", action="store_true", help="print the plans of the engine's queries")
    parser.add_argument("--keep", action="store_true", help="keep the last database for inspection")
    parser.add_argument(
        "--what-if-prefetch",
        action="store_true",
        help="experiment: serve the API as if the customer viewset prefetched its two many-to-many relations "
        "(the change bench/README.md proposes); the source is not modified",
    )
    arguments = parser.parse_args()
    arguments.rows = sorted(arguments.rows or DEFAULT_ROWS[arguments.database])
    if arguments.repeat < 20:
        parser.error("--repeat must be at least 20 for a p95 to mean something")
    if arguments.database == "postgres" and "bench" not in arguments.postgres_url.rsplit("/", 1)[-1]:
        # The database is dropped at every size; refuse anything that is not obviously ours.
        parser.error("the PostgreSQL database name must contain 'bench' (it is dropped and re-created)")
    return arguments


ARGUMENTS = parse_arguments()
DATABASE_URL = (
    ARGUMENTS.postgres_url if ARGUMENTS.database == "postgres" else f"sqlite:///{ARGUMENTS.sqlite_path.resolve()}"
)
# Production settings, as a deployment runs them: no DEBUG (which would also record every query).
os.environ.update(
    DJANGO_SETTINGS_MODULE="qiao.settings",
    QIAO_DATABASE_URL=DATABASE_URL,
    QIAO_VAR_DIR=str(VAR_DIR),
    QIAO_DEBUG="0",
)

# WhiteNoise warns about a missing static root; the API serves no static files.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

import django  # noqa: E402  (the environment above must be in place first)

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from qiao.core.permissions import Scope  # noqa: E402
from qiao.customers.api import CustomerViewSet  # noqa: E402
from qiao.customers.models import Customer  # noqa: E402
from qiao.org.models import Department, Role, User  # noqa: E402
from qiao.org.services import organization_create  # noqa: E402

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

PAGE_SIZE = 50
API_PATH = f"/api/v1/customers/?page_size={PAGE_SIZE}"
SCOPES = ("owner", "related_employee", "owner_department", "related_department", "all")
TARGET_MS = {"all": 150.0}
DEFAULT_TARGET_MS = 60.0  # department scopes, and the narrower scopes a fortiori
MAX_RATIO = 2.5
# Growth check: beyond the growth of the count, allow this much for noise.
GROWTH_TOLERANCE_MS = 3.0
GROWTH_TOLERANCE_SHARE = 0.25


def words(text: str) -> list[str]:
    return text.split()


CITIES = words(
    "上海 杭州 南京 苏州 无锡 宁波 合肥 福州 厦门 济南 青岛 广州 深圳 东莞 佛山 成都 重庆 武汉 长沙 郑州 西安 天津 "
    "北京 石家庄 太原 沈阳 大连 长春 哈尔滨 南昌 昆明 贵阳 南宁 海口 兰州 银川 西宁 乌鲁木齐 呼和浩特 拉萨 温州 绍兴 "
    "嘉兴 金华 台州 常州 徐州 扬州 南通 泉州 漳州 烟台 潍坊 洛阳"
)
REGIONS = words("华东 华南 华北 华中 西南 西北 东北 江苏 浙江 山东 福建 广东 四川 湖北 河南 河北 安徽 湖南")
DIVISIONS = ["销售中心", "渠道发展部", "大客户部", "客户服务中心", "市场部", "电商事业部"]
NAME_WORDS = words("恒 泰 华 盛 鑫 源 达 通 信 和 瑞 丰 隆 兴 宏 远 金 星 海 天 嘉 德 安 永 佳 美 汇 成 新 大")
INDUSTRIES = words("贸易 商贸 科技 食品 茶叶 服饰 建材 五金 电子 医药 家居 物流 文化 农业 酒业 日化 母婴 汽配")
LEGAL_FORMS = ["有限公司", "有限责任公司", "股份有限公司", "商行", "经营部"]
SURNAMES = words("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹")
GIVEN_NAMES = words("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 建 文 玉 兰 红 鹏")
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


# ---------------------------------------------------------------------------------------------
# Fresh database per size


def reset_database() -> float:
    """Drop and re-create the benchmark database, migrate it; returns the seconds it took."""
    started = time.perf_counter()
    connections.close_all()
    if IS_POSTGRES:
        import psycopg

        name = connection.settings_dict["NAME"]
        maintenance_url = ARGUMENTS.postgres_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(maintenance_url, autocommit=True) as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            maintenance.execute(f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{ARGUMENTS.sqlite_path}{suffix}").unlink(missing_ok=True)
        ARGUMENTS.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    qiao_command = Path(sys.executable).parent / "qiao"
    subprocess.run([qiao_command, "migrate", "--noinput", "-v0"], check=True, env=os.environ, cwd=PROJECT_DIR)
    return time.perf_counter() - started


def drop_database() -> None:
    connections.close_all()
    if IS_POSTGRES:
        import psycopg

        maintenance_url = ARGUMENTS.postgres_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(maintenance_url, autocommit=True) as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{connection.settings_dict["NAME"]}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{ARGUMENTS.sqlite_path}{suffix}").unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# The organization


@dataclass
class Organization:
    org_id: int
    admin_id: int
    department_ids: list[int]
    department_depth: dict[int, int]
    employee_ids: list[int]
    employee_department: dict[int, int]
    employees_by_department: dict[int, list[int]]
    owner_cumulative_weights: list[float]
    department_cumulative_weights: list[float]  # by headcount, for pools and related departments
    measured_department: Department
    measured_users: dict[str, User]  # scope code → the employee holding only that scope
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
    return Organization(
        org_id=organization.pk,
        admin_id=admin.pk,
        department_ids=department_ids,
        department_depth=depth_of,
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
    codes = [f"customer.{action}" for action in ("view", "add", "change", "delete")]
    measured_users, tokens = {}, {}
    median_weight = statistics.median(owner_weight_of.values())
    staff = sorted(
        (pk for pk in owner_weight_of if pk in set(department.employees.values_list("pk", flat=True))),
        key=lambda pk: (abs(owner_weight_of[pk] - median_weight), pk),
    )
    for scope, user_id in zip(SCOPES, staff, strict=False):
        role = Role.objects.create(
            org=organization,
            name=f"基准-{scope}",
            permissions=codes,
            data_scopes={"customer": {"view": scope, "edit": scope, "delete": scope}},
        )
        user = User.objects.get(pk=user_id)
        user.roles.set([role])
        measured_users[scope] = user
        tokens[scope] = Token.objects.create(user=user).key
    return measured_users, tokens


def cumulative(weights: list[float]) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def weighted_pick(rng: random.Random, items: list[int], cumulative_weights: list[float]) -> int:
    return items[bisect.bisect_left(cumulative_weights, rng.random() * cumulative_weights[-1])]


def weighted_count(rng: random.Random, choices) -> int:
    draw = rng.random()
    for count, share in choices:
        draw -= share
        if draw < 0:
            return count
    return choices[-1][0]


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
)


def extra_columns() -> list[tuple[str, object]]:
    """Columns a later migration added to Customer (the full archive of CUS-1 comes later): filled
    with the field's default, or left NULL. A required column without a default stops the run with a
    clear message instead of a constraint error deep inside COPY."""
    extras = []
    for model_field in Customer._meta.concrete_fields:
        if model_field.column in KNOWN_COLUMNS:
            continue
        if model_field.has_default():
            extras.append((model_field.column, model_field.get_db_prep_save(model_field.get_default(), connection)))
        elif not model_field.null:
            sys.exit(
                f"bench/permissions.py does not know how to fill Customer.{model_field.name}: add it to customer_rows()"
            )
    return extras


def customer_rows(rng: random.Random, organization: Organization, count: int, collected: CustomerRows, format_time):
    """Yield customer rows (KNOWN_COLUMNS order, then the extras) and collect the M2M pairs."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    employee_ids, department_ids = organization.employee_ids, organization.department_ids
    extras = tuple(value for _, value in extra_columns())
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
            for _ in range(weighted_count(rng, RELATED_USERS_COUNTS)):
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
                for _ in range(weighted_count(rng, RELATED_DEPARTMENTS_COUNTS))
            }
            for department_id in sorted(chosen):
                collected.related_departments.extend((customer_id, department_id))

        updated_at = min(now, created_at + dt.timedelta(days=rng.random() * 200))
        deleted_at = deleted_by_id = None
        if rng.random() < DELETED_SHARE:
            deleted_at = format_time(updated_at)
            deleted_by_id = owner_id or organization.admin_id
        name = (
            rng.choice(CITIES)
            + rng.choice(NAME_WORDS)
            + rng.choice(NAME_WORDS)
            + rng.choice(INDUSTRIES)
            + rng.choice(LEGAL_FORMS)
        )
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
            f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            "91" + "".join(rng.choices(CREDIT_CODE_ALPHABET, k=16)),
            "" if rng.random() < 0.8 else "老客户介绍，关注价格和账期。",
            *extras,
        )


def m2m_table(field_name: str) -> tuple[str, str, str]:
    model_field = Customer._meta.get_field(field_name)
    return (
        model_field.remote_field.through._meta.db_table,
        model_field.m2m_column_name(),
        model_field.m2m_reverse_name(),
    )


def pairs(flat: array):
    iterator = iter(flat)
    return zip(iterator, iterator, strict=True)


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

    columns = [*KNOWN_COLUMNS, *(column for column, _ in extra_columns())]
    collected = CustomerRows()
    users_table = m2m_table("related_users")
    departments_table = m2m_table("related_departments")
    tables = [Customer._meta.db_table, users_table[0], departments_table[0]]
    if IS_POSTGRES:
        with postgres_bulk_load(tables, times):
            started = time.perf_counter()
            copy_rows(Customer._meta.db_table, columns, customer_rows(rng, organization, rows, collected, iso_time))
            times.customers = time.perf_counter() - started
            started = time.perf_counter()
            copy_rows(users_table[0], users_table[1:], pairs(collected.related_users))
            copy_rows(departments_table[0], departments_table[1:], pairs(collected.related_departments))
            times.relations = time.perf_counter() - started
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
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Customer, *m2m_through_models()]):
            cursor.execute(sql)

    # Fresh statistics, as autovacuum / `ANALYZE` would have them on a live system; on PostgreSQL
    # VACUUM also writes the visibility map that index-only scans rely on.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if IS_POSTGRES:
            for table in [*tables, "org_department", "org_user"]:
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
    times.analyze = time.perf_counter() - started
    return organization, times


def m2m_through_models():
    return [Customer._meta.get_field(name).remote_field.through for name in ("related_users", "related_departments")]


def no_style():
    from django.core.management.color import no_style as django_no_style

    return django_no_style()


def iso_time(moment: dt.datetime) -> str:
    return moment.isoformat()


def sqlite_time(moment: dt.datetime) -> str:
    # Exactly what Django stores on SQLite (naive UTC text), so ordering and comparisons match.
    return connection.ops.adapt_datetimefield_value(moment)


@contextlib.contextmanager
def postgres_bulk_load(tables: list[str], times: LoadTimes):
    """Load the way pg_restore does: without the secondary indexes and foreign keys, then build
    the indexes in one pass each and validate each foreign key with one query. Row-by-row index
    maintenance and millions of deferred foreign-key triggers would take several times longer;
    the database still checks every constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid::regclass::text = ANY(%s)
              AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("RESET maintenance_work_mem")
    times.indexes = time.perf_counter() - started


def copy_rows(table: str, columns, rows, chunk_rows: int = 20_000) -> None:
    """COPY in text format; the generated values hold no tabs, newlines or backslashes."""
    column_list = ", ".join(columns)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
        lines = []
        for row in rows:
            lines.append("\t".join(r"\N" if value is None else str(value) for value in row))
            if len(lines) == chunk_rows:
                copy.write("\n".join(lines) + "\n")
                lines.clear()
        if lines:
            copy.write("\n".join(lines) + "\n")


def insert_rows(table: str, columns, rows, chunk_rows: int = 20_000) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == chunk_rows:
                cursor.executemany(sql, chunk)
                chunk.clear()
        if chunk:
            cursor.executemany(sql, chunk)


# ---------------------------------------------------------------------------------------------
# The hand-written query: what an expert would write for this page without the engine


def visible_ids_sql(scope: str, user: User, subtree_prefix: str) -> tuple[str, list]:
    """The ids the scope reaches, as a union of one indexed lookup per relation (PERM-2)."""
    owned = ("SELECT id FROM customers_customer WHERE owner_id = %s", [user.pk])
    related = ("SELECT customer_id FROM customers_customer_related_users WHERE user_id = %s", [user.pk])
    in_department = ("SELECT id FROM customers_customer WHERE owner_department_id = %s", [user.department_id])
    in_subtree = (
        "SELECT c.id FROM customers_customer c JOIN org_department d ON d.id = c.owner_department_id"
        " WHERE d.path LIKE %s",
        [subtree_prefix + "%"],
    )
    related_to_subtree = (
        "SELECT r.customer_id FROM customers_customer_related_departments r"
        " JOIN org_department d ON d.id = r.department_id WHERE d.path LIKE %s",
        [subtree_prefix + "%"],
    )
    parts = {
        "related_employee": [owned, related],
        "owner_department": [owned, related, in_department],
        "related_department": [owned, related, in_subtree, related_to_subtree],
    }[scope]
    return " UNION ".join(sql for sql, _ in parts), [value for _, params in parts for value in params]


def hand_written_queries(scope: str, user: User, subtree_prefix: str) -> tuple[tuple[str, list], tuple[str, list]]:
    """(count, page) for the first page of `user`'s customers, newest first."""
    where, params = "c.org_id = %s AND c.deleted_at IS NULL", [user.org_id]
    if scope == "owner":
        where, params = where + " AND c.owner_id = %s", [*params, user.pk]
    elif scope != "all":
        union, union_params = visible_ids_sql(scope, user, subtree_prefix)
        where, params = f"{where} AND c.id IN ({union})", [*params, *union_params]
    count = (f"SELECT COUNT(*) FROM customers_customer c WHERE {where}", params)
    if IS_POSTGRES:
        related_users = "ARRAY(SELECT user_id FROM customers_customer_related_users WHERE customer_id = p.id)"
        related_departments = (
            "ARRAY(SELECT department_id FROM customers_customer_related_departments WHERE customer_id = p.id)"
        )
    else:
        related_users = "(SELECT group_concat(user_id) FROM customers_customer_related_users WHERE customer_id = p.id)"
        related_departments = (
            "(SELECT group_concat(department_id) FROM customers_customer_related_departments WHERE customer_id = p.id)"
        )
    # The page first, then the related ids for its 50 rows only: the same data the API returns.
    page = (
        f"""
        SELECT p.*, {related_users}, {related_departments}
        FROM (
            SELECT c.id, c.name, c.phone, c.unified_social_credit_code, c.notes, c.owner_id,
                   c.owner_department_id, c.version, c.created_at, c.updated_at
            FROM customers_customer c
            WHERE {where}
            ORDER BY c.created_at DESC, c.id DESC
            LIMIT {PAGE_SIZE}
        ) p
        ORDER BY p.created_at DESC, p.id DESC
        """,
        params,
    )
    return count, page


def run_hand_written(queries) -> tuple[int, list[tuple]]:
    (count_sql, count_params), (page_sql, page_params) = queries
    with connection.cursor() as cursor:
        cursor.execute(count_sql, count_params)
        (total,) = cursor.fetchone()
        cursor.execute(page_sql, page_params)
        return total, cursor.fetchall()


# ---------------------------------------------------------------------------------------------
# Measuring


@dataclass
class ScopeResult:
    scope: str
    visible_rows: int
    queries_per_request: int
    api_ms: list[float]
    sql_ms: list[float]
    engine_count_ms: list[float]
    engine_page_ms: list[float]
    sql_count_ms: list[float]

    @property
    def target_ms(self) -> float:
        return TARGET_MS.get(self.scope, DEFAULT_TARGET_MS)

    @property
    def ratio(self) -> float:
        return p95(self.api_ms) / p95(self.sql_ms)

    @property
    def passed(self) -> bool:
        return p95(self.api_ms) <= self.target_ms and self.ratio <= MAX_RATIO


@dataclass
class SizeResult:
    rows: int
    load: LoadTimes
    migrate_seconds: float
    scopes: list[ScopeResult]
    department_path: str
    subtree_departments: int


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    """Nearest rank: the smallest sample that 95 % of the samples do not exceed."""
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def milliseconds_of(action) -> tuple[float, object]:
    started = time.perf_counter_ns()
    result = action()
    return (time.perf_counter_ns() - started) / 1e6, result


def api_client(token: str) -> APIClient:
    # secure=True: production settings redirect plain HTTP to HTTPS.
    client = APIClient(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    return client


def fetch_page(client: APIClient):
    response = client.get(API_PATH, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {API_PATH} answered {response.status_code}: {response.content[:300]!r}")
    return response


def measure_scope(organization: Organization, scope: str) -> ScopeResult:
    user = organization.measured_users[scope]
    client = api_client(organization.tokens[scope])
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
            f"{scope}: API ({body['count']}, {api_ids[:5]}…) ≠ SQL ({total}, {[r[0] for r in page][:5]}…)"
        )
    for api_row, sql_row in zip(body["results"], page, strict=True):
        if set(api_row["related_users"]) != as_id_set(sql_row[-2]) or set(api_row["related_departments"]) != as_id_set(
            sql_row[-1]
        ):
            raise AssertionError(f"{scope}: related ids of customer {api_row['id']} differ between API and SQL")

    connection.ensure_connection()
    with CaptureQueriesContext(connection) as captured:
        fetch_page(client)
    queries_per_request = len(captured.captured_queries)

    for _ in range(ARGUMENTS.warmup):
        fetch_page(client)
        run_hand_written(queries)
        engine_queryset.count()
        list(engine_queryset[:PAGE_SIZE])

    result = ScopeResult(scope, total, queries_per_request, [], [], [], [], [])
    count_query = queries[0]
    for _ in range(ARGUMENTS.repeat):
        # Interleaved, so that whatever else the machine does touches all the series alike.
        result.api_ms.append(milliseconds_of(lambda: fetch_page(client))[0])
        # The hand-written query starts on an open connection: it is the query's cost alone.
        # (On SQLite the project's CONN_MAX_AGE = 0 closes it after every request.)
        connection.ensure_connection()
        result.sql_ms.append(milliseconds_of(lambda: run_hand_written(queries))[0])
        result.sql_count_ms.append(milliseconds_of(lambda: run_count(count_query))[0])
        result.engine_count_ms.append(milliseconds_of(engine_queryset.count)[0])
        result.engine_page_ms.append(milliseconds_of(lambda: list(engine_queryset[:PAGE_SIZE]))[0])
    return result


def run_count(count_query) -> int:
    with connection.cursor() as cursor:
        cursor.execute(*count_query)
        return cursor.fetchone()[0]


def as_id_set(value) -> set[int]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {int(part) for part in value.split(",")}
    return set(value)


def explain_engine(organization: Organization) -> None:
    """The engine's count and page queries for the department-scope users, with their plans."""
    for scope in ("owner_department", "related_department"):
        user = User.objects.get(pk=organization.measured_users[scope].pk)
        queryset = Customer.objects.visible_to(user, "view")
        with CaptureQueriesContext(connection) as captured:
            queryset.count()
            list(queryset[:PAGE_SIZE])
        for label, query in zip(("count", "page"), captured.captured_queries[-2:], strict=True):
            print(f"\n### EXPLAIN {'ANALYZE' if IS_POSTGRES else 'QUERY PLAN'}: {scope}, {label}\n")
            print(query["sql"], "\n")
            with connection.cursor() as cursor:
                if IS_POSTGRES:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                    print("\n".join(row[0] for row in cursor.fetchall()))
                else:
                    cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
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
    for scope in SCOPES:
        result = measure_scope(organization, scope)
        print(
            f"   {scope:<19} {result.visible_rows:>9,} rows  API p95 {p95(result.api_ms):7.1f} ms  "
            f"SQL p95 {p95(result.sql_ms):7.1f} ms",
            flush=True,
        )
        results.append(result)
    if ARGUMENTS.explain:
        explain_engine(organization)
    return SizeResult(rows, load, migrate_seconds, results, department.path, subtree.count())


# ---------------------------------------------------------------------------------------------
# Reporting


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells):
        return "| " + " | ".join(str(cell).rjust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    separator = "|" + "|".join("-" * (width + 1) + ":" for width in widths) + "|"
    return "\n".join([line(header), separator, *(line(row) for row in rows)])


def main_table(size: SizeResult) -> str:
    rows = []
    for result in size.scopes:
        rows.append(
            [
                result.scope,
                f"{result.visible_rows:,}",
                f"{p50(result.api_ms):.1f}",
                f"{p95(result.api_ms):.1f}",
                f"{p50(result.sql_ms):.1f}",
                f"{p95(result.sql_ms):.1f}",
                f"{result.ratio:.2f}×",
                f"≤ {result.target_ms:.0f} ms, ≤ {MAX_RATIO}×",
                "pass" if result.passed else "FAIL",
            ]
        )
    header = ["scope", "visible rows", "API p50", "API p95", "SQL p50", "SQL p95", "ratio", "target", "result"]
    return markdown_table(header, rows)


def breakdown_table(size: SizeResult) -> str:
    rows = [
        [
            result.scope,
            str(result.queries_per_request),
            f"{p50(result.engine_count_ms):.1f}",
            f"{p50(result.engine_page_ms):.1f}",
            f"{p50(result.sql_count_ms):.1f}",
            f"{p50(result.api_ms) - p50(result.engine_count_ms) - p50(result.engine_page_ms):.1f}",
        ]
        for result in size.scopes
    ]
    header = ["scope", "queries/request", "engine COUNT p50", "engine page p50", "SQL COUNT p50", "API rest p50"]
    return markdown_table(header, rows)


def growth_rows(small: SizeResult, large: SizeResult) -> tuple[list[list[str]], bool]:
    """The API time beyond its count (API p50 − engine COUNT p50) may not grow with the table."""
    rows, all_passed = [], True
    for before, after in zip(small.scopes, large.scopes, strict=True):
        rest_before = p50(before.api_ms) - p50(before.engine_count_ms)
        rest_after = p50(after.api_ms) - p50(after.engine_count_ms)
        allowed = rest_before * (1 + GROWTH_TOLERANCE_SHARE) + GROWTH_TOLERANCE_MS
        passed = rest_after <= allowed
        all_passed &= passed
        rows.append(
            [
                before.scope,
                f"{before.visible_rows:,} → {after.visible_rows:,}",
                f"{p50(before.api_ms):.1f} → {p50(after.api_ms):.1f}",
                f"{p50(before.engine_count_ms):.1f} → {p50(after.engine_count_ms):.1f}",
                f"{rest_before:.1f} → {rest_after:.1f}",
                f"{p50(before.sql_ms):.1f} → {p50(after.sql_ms):.1f}",
                "pass" if passed else "FAIL",
            ]
        )
    return rows, all_passed


def report(sizes: list[SizeResult]) -> bool:
    settings = connection.settings_dict
    print("\n# Permission engine (bench/permissions)\n")
    print(f"- date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"- machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} {platform.release()}")
    print(f"- database: {database_version()} ({settings['NAME']})")
    if ARGUMENTS.what_if_prefetch:
        print("- EXPERIMENT: the customer viewset prefetches related_users and related_departments (not in src/)")
    print(f"- command: .venv/bin/python bench/{Path(__file__).name} {' '.join(sys.argv[1:])}")
    print(
        f"- {ARGUMENTS.repeat} timed requests per user after {ARGUMENTS.warmup} untimed; times in ms; API = "
        f"GET {API_PATH} in-process with a token; SQL = the hand-written count + page"
    )
    all_passed = True
    for size in sizes:
        print(
            f"\n## {size.rows:,} customers — data generation {size.load.total:.1f} s "
            f"(+ migrate {size.migrate_seconds:.1f} s); department {size.department_path}, "
            f"{size.subtree_departments} departments in its subtree\n"
        )
        print(main_table(size))
        print("\nWhere the API time goes (p50, ms; 'API rest' = serialization, auth, M2M reads, framework):\n")
        print(breakdown_table(size))
        all_passed &= all(result.passed for result in size.scopes)
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        rows, passed = growth_rows(small, large)
        all_passed &= passed
        print(f"\n## Growth {small.rows:,} → {large.rows:,} customers (p50, ms)\n")
        header = ["scope", "visible rows", "API", "engine COUNT", "API − COUNT", "SQL", "result"]
        print(markdown_table(header, rows))
        print(
            f"\n(API − COUNT may grow by at most {GROWTH_TOLERANCE_SHARE:.0%} + {GROWTH_TOLERANCE_MS:.0f} ms: "
            "beyond the count, the first page should cost the same at any size.)"
        )
    print(f"\nOverall: {'all targets met' if all_passed else 'some targets FAILED'}")
    return all_passed


def database_version() -> str:
    with connection.cursor() as cursor:
        if IS_POSTGRES:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def serve_with_prefetch() -> None:
    """--what-if-prefetch: the page's related ids in two queries instead of two per row."""

    def get_queryset(viewset):
        queryset = viewset.model.objects.visible_to(viewset.request.user, "view")
        return queryset.prefetch_related("related_users", "related_departments")

    CustomerViewSet.get_queryset = get_queryset


def main() -> int:
    if len(set(Scope.__members__)) - 1 != len(SCOPES):  # every scope but `none` is measured
        raise SystemExit("the engine's scopes changed: update SCOPES")
    if ARGUMENTS.what_if_prefetch:
        serve_with_prefetch()
    started = time.perf_counter()
    sizes = [run_size(rows) for rows in ARGUMENTS.rows]
    passed = report(sizes)
    if not ARGUMENTS.keep:
        drop_database()
    print(f"\nWhole run: {time.perf_counter() - started:.0f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
