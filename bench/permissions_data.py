"""The data of bench/permissions: an organization of 2,000 employees in 200 departments six levels
deep, N customers with realistic relation spreads, and the five measured users. Imported by
bench/permissions.py once Django is set up; every size is generated from the same seed."""

import bisect
import contextlib
import datetime as dt
import math
import random
import secrets
import statistics
import sys
import time
from array import array
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from qiao.customers.models import Customer
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
        department.employees.values_list("pk", flat=True),
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
