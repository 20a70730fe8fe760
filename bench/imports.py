"""bench/imports: importing a large customer spreadsheet (CUS-7, issue 4 acceptance 3).

A generated .xlsx of N customers (default 100,000 on PostgreSQL, 10,000 on SQLite) with realistic
Chinese names, phones, credit codes, addresses, classifications, birthdays and owners — with
duplicates planted against existing customers and within the file — goes through the import
exactly as the worker runs it:

1. upload: the file is identified by content, stored, its header row read and mapped;
2. the dry run (`run_check`): every row parsed, normalized and validated by prepare_customer and
   the model, owners checked against the importer's scope, duplicates looked for among existing
   customers and within the file (customers/dedupe/);
3. the commit (`run_commit`): every row bulk-created with its history row in one transaction,
   re-checked against the edit scope.

Each step runs in a fresh child process (as a Celery worker would run the task), which reports
its wall time and its peak resident memory. In the same run, the baseline: the same file read
(with the same reader) and its rows inserted as they are, with no parsing, validation, duplicate
check or history — `COPY` on PostgreSQL, `executemany` on SQLite — so the cost of the import's
work is visible against the floor.

    .venv/bin/python bench/imports.py --database postgres                 # 100,000 rows
    .venv/bin/python bench/imports.py --database sqlite                   # 10,000 rows

Targets (acceptance 3): dry run + commit ≤ 60 s and every step's peak memory ≤ 1 GB; the exit
status is 1 when one is missed. The database is `qiao_bench_imports` (PostgreSQL, dropped and
re-created) or /tmp/qiao-bench-var/bench-imports.sqlite3.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import benchkit
from benchkit import (
    CREDIT_CODE_ALPHABET,
    GIVEN_NAMES,
    INDUSTRIES,
    NAME_WORDS,
    PROJECT_DIR,
    STREETS,
    SURNAMES,
    VAR_DIR,
)

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/qiao_bench_imports"
DEFAULT_SQLITE_PATH = VAR_DIR / "bench-imports.sqlite3"
DEFAULT_ROWS = {"postgres": 100_000, "sqlite": 10_000}
TARGET_SECONDS = 60.0
TARGET_MEMORY_MB = 1024.0


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"], required=True)
    parser.add_argument("--rows", type=int, help="rows in the file (default: postgres 100000, sqlite 10000)")
    parser.add_argument("--existing", type=int, help="customers already in the database (default: rows / 10)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE_PATH)
    parser.add_argument("--keep", action="store_true", help="keep the database and the file")
    parser.add_argument(
        "--worker",
        action="store_true",
        help="run the dry run and the commit in a real Celery worker (prefork, 2 processes), as deployed; "
        "without it, each runs in one plain process",
    )
    parser.add_argument("--step", choices=["upload", "check", "commit", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--job", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    arguments.rows = arguments.rows or DEFAULT_ROWS[arguments.database]
    arguments.existing = arguments.rows // 10 if arguments.existing is None else arguments.existing
    if arguments.database == "postgres":
        benchkit.require_bench_database(parser, arguments.postgres_url)
    return arguments


ARGUMENTS = parse_arguments()
benchkit.setup_django(benchkit.database_url(ARGUMENTS), QIAO_MEDIA_ROOT=str(VAR_DIR / "media"))

# The project, once Django is set up.
from django.db import connection, connections  # noqa: E402

IS_POSTGRES = connection.vendor == "postgresql"


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """This process's own CPU time: the work done, whatever else the machine is running."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------------------------------------
# Data

CITIES = [
    ("浙江省", "杭州市", ["西湖区", "上城区", "拱墅区", "滨江区"]),
    ("浙江省", "宁波市", ["海曙区", "江北区", "鄞州区"]),
    ("江苏省", "南京市", ["鼓楼区", "玄武区", "秦淮区"]),
    ("江苏省", "苏州市", ["姑苏区", "吴中区", "虎丘区"]),
    ("上海市", "上海市", ["浦东新区", "黄浦区", "徐汇区", "静安区"]),
    ("广东省", "广州市", ["天河区", "越秀区", "海珠区"]),
    ("广东省", "深圳市", ["南山区", "福田区", "罗湖区"]),
    ("山东省", "济南市", ["历下区", "市中区"]),
    ("四川省", "成都市", ["锦江区", "武侯区", "青羊区"]),
    ("湖北省", "武汉市", ["江汉区", "武昌区", "洪山区"]),
]
# The name words, industries, streets and people's names are benchkit's, as bench/permissions uses them.
LEGAL_FORMS = ["有限公司", "有限责任公司", "商行", "经营部", "超市", "便利店"]
SOURCES = ["展会", "转介绍", "电话", "网络", "上门", "", ""]
SIZES = ["大", "中", "小", ""]
MOBILE_PREFIXES = [f"13{d}" for d in "0123456789"] + [f"15{d}" for d in "012356789"] + [f"18{d}" for d in "0123456789"]
AREA_CODES = ["010", "021", "020", "022", "023", "025", "027", "028", "0571", "0574", "0512", "0755", "0531"]
HEADER = [
    "客户名称",
    "手机",
    "电话",
    "统一社会信用代码",
    "地址",
    "邮箱",
    "来源",
    "规模",
    "行业",
    "老板",
    "生日",
    "负责人",
    "备注",
]


def uscc(rng: random.Random) -> str:
    from qiao.customers.chinese import uscc_check_character

    body = (
        "91"
        + "".join(rng.choice("0123456789") for _ in range(6))
        + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    )
    return body + uscc_check_character(body)


def landline(rng: random.Random) -> str:
    from qiao.customers.chinese import normalize_phone

    while not normalize_phone(number := f"{rng.choice(AREA_CODES)}-{rng.choice('2568')}{rng.randrange(10**7):07d}"):
        pass
    return number


def customer_row(rng: random.Random, number: int, owners: list[str]) -> list:
    province, city, districts = rng.choice(CITIES)
    district = rng.choice(districts)
    trade = "".join(rng.sample(NAME_WORDS, 2))
    name = f"{city.removesuffix('市')}{trade}{rng.choice(INDUSTRIES)}{rng.choice(LEGAL_FORMS)}{number % 997 or ''}"
    mobile = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
    phone = landline(rng) if rng.random() < 0.3 else ""
    return [
        name,
        mobile,
        phone,
        uscc(rng) if rng.random() < 0.3 else "",
        f"{province}{city}{district}{rng.choice(STREETS)}{rng.randrange(1, 999)}号",
        f"shop{number}@example.cn" if rng.random() < 0.2 else "",
        rng.choice(SOURCES),
        rng.choice(SIZES),
        rng.choice(INDUSTRIES),
        rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        f"19{rng.randrange(50, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        if rng.random() < 0.3
        else "",
        rng.choice(owners) if rng.random() < 0.5 else "",
        "",
    ]


def generate(path: Path, organization, admin) -> dict:
    """The existing customers and the file; returns what was planted."""
    from openpyxl import Workbook

    from qiao.customers.models import Customer
    from qiao.customers.services import prepare_customer
    from qiao.org.models import User

    rng = random.Random(ARGUMENTS.seed)
    owners = list(User.objects.filter(org=organization).values_list("username", flat=True))
    existing_rows = [customer_row(rng, n, owners) for n in range(ARGUMENTS.existing)]
    existing = []
    for row in existing_rows:
        record = Customer(
            org=organization, owner=admin, owner_department=admin.department, created_by=admin, name=row[0]
        )
        record.mobile, record.address = row[1], row[4]
        prepare_customer(record)
        existing.append(record)
    Customer.objects.bulk_create(existing, batch_size=1000)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("客户")
    sheet.append(HEADER)
    written: list[list] = []
    planted_existing = planted_in_file = 0
    for number in range(ARGUMENTS.rows):
        draw = rng.random()
        if draw < 0.02 and existing_rows:  # an existing customer again, its phone written another way
            row = list(rng.choice(existing_rows))
            row[1] = f"{row[1][:3]} {row[1][3:7]} {row[1][7:]}"
            planted_existing += 1
        elif draw < 0.03 and written:  # an earlier row again
            row = list(rng.choice(written[-5000:]))
            planted_in_file += 1
        else:
            row = customer_row(rng, ARGUMENTS.existing + number, owners)
        written.append(row)
        sheet.append(row)
    workbook.save(path)
    return {"existing": ARGUMENTS.existing, "planted_existing": planted_existing, "planted_in_file": planted_in_file}


# ---------------------------------------------------------------------------------------------
# Fresh database (benchkit)


def reset_database() -> None:
    benchkit.reset_database(ARGUMENTS.postgres_url, ARGUMENTS.sqlite_path)


def drop_database() -> None:
    benchkit.drop_database(ARGUMENTS.postgres_url, ARGUMENTS.sqlite_path)


# ---------------------------------------------------------------------------------------------
# The steps, each in its own process


def step_upload() -> dict:
    from django.core.files import File

    from qiao.core.imports import services
    from qiao.org.models import User

    admin = User.objects.get(username="bench-admin")
    started = time.perf_counter()
    with open(ARGUMENTS.file, "rb") as data:
        upload = File(data, name="客户.xlsx")
        upload.size = ARGUMENTS.file.stat().st_size
        job = services.import_job_create(actor=admin, type_code="customer", upload=upload)
    return {"seconds": time.perf_counter() - started, "job": job.pk, "mapped": len(job.mapping)}


def warm_up() -> None:
    """What a long-running worker has loaded since its first task: the address tables (cpca and
    pandas, several seconds to import in a fresh process here, where no bytecode is cached), the
    pinyin dictionary and the phone metadata. Not timed."""
    from qiao.customers import chinese

    chinese.parse_address("浙江省杭州市西湖区文三路1号")
    chinese.pinyin_keys("杭州西湖")
    chinese.normalize_phone("13812345678")
    chinese.company_name_key("杭州西湖贸易有限公司")


def step_check() -> dict:
    from qiao.core.imports import services
    from qiao.core.models import ImportJob

    ImportJob.objects.filter(pk=ARGUMENTS.job).update(status=ImportJob.Status.CHECKING, phase="reading")
    warm_up()
    started, cpu = time.perf_counter(), cpu_seconds()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx(
            "services.run_check(ARGUMENTS.job)", globals(), locals(), os.environ["BENCH_PROFILE"] + ".check"
        )
    else:
        services.run_check(ARGUMENTS.job)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    job = ImportJob.objects.get(pk=ARGUMENTS.job)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "status": job.status,
        "failure": job.failure,
        "rows": job.row_count,
        "errors": job.error_row_count,
        "duplicates": job.duplicate_row_count,
        "problems": job.problems,
        "sample_errors": list(job.issues.filter(kind="error").values_list("column", "value", "message").distinct()[:5]),
    }


def step_commit() -> dict:
    from qiao.core.imports import services
    from qiao.core.models import ImportJob

    job = ImportJob.objects.get(pk=ARGUMENTS.job)
    total = services.rows_to_import(job)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING, progress_total=total)
    warm_up()
    started, cpu = time.perf_counter(), cpu_seconds()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("services.run_commit(job.pk)", globals(), locals(), os.environ["BENCH_PROFILE"] + ".commit")
    else:
        services.run_commit(job.pk)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    job.refresh_from_db()
    return {"seconds": seconds, "cpu": cpu, "status": job.status, "failure": job.failure, "created": job.created_count}


def step_baseline() -> dict:
    """The floor: read the same file with the same reader, insert its rows as they are."""
    from qiao.core.imports import reading
    from qiao.customers.models import Customer
    from qiao.org.models import User

    admin = User.objects.get(username="bench-admin")
    started, cpu = time.perf_counter(), cpu_seconds()
    rows = reading.read_rows(str(ARGUMENTS.file), reading.FileKind("xlsx"))
    next(rows)
    values = [[reading.cell_text(value) for value in row[:5]] for _number, row in rows]
    read_seconds = time.perf_counter() - started
    table = Customer._meta.db_table
    columns = "org_id, owner_id, owner_department_id, created_by_id, name, mobile, phone, unified_social_credit_code, "
    columns += "address, version, created_at, updated_at"
    constant = [admin.org_id, admin.pk, admin.department_id, admin.pk]
    with connection.cursor() as cursor:
        if IS_POSTGRES:
            with cursor.copy(f"COPY {table} ({columns}, {BLANK_COLUMNS}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row([*constant, *row, 1, "now", "now", *BLANKS])
        else:
            placeholders = ", ".join(["%s"] * (4 + 5 + 3 + len(BLANKS)))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}, {BLANK_COLUMNS}) VALUES ({placeholders})",
                [[*constant, *row, 1, "2026-01-01", "2026-01-01", *BLANKS] for row in values],
            )
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"seconds": seconds, "cpu": cpu, "read_seconds": read_seconds, "rows": len(values)}


def blank_columns() -> tuple[str, list]:
    """Every other NOT NULL column of the customer table, with its empty value."""
    from qiao.customers.models import Customer

    taken = {"id", "org", "owner", "owner_department", "created_by", "name", "mobile", "phone"}
    taken |= {"unified_social_credit_code", "address", "version", "created_at", "updated_at"}
    names, values = [], []
    for field in Customer._meta.concrete_fields:
        if field.name in taken or field.null:
            continue
        names.append(field.column)
        values.append(field.get_default() if field.has_default() else "")
    return ", ".join(names), values


BLANK_COLUMNS, BLANKS = blank_columns()


def run_step(step: str, **extra) -> dict:
    command = [sys.executable, __file__, "--database", ARGUMENTS.database, "--rows", str(ARGUMENTS.rows)]
    command += ["--postgres-url", ARGUMENTS.postgres_url, "--sqlite-path", str(ARGUMENTS.sqlite_path), "--step", step]
    for name, value in extra.items():
        command += [f"--{name}", str(value)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=PROJECT_DIR, env=os.environ)
    return json.loads(output.stdout.strip().splitlines()[-1])


def worker_environment() -> dict:
    """The worker's environment: the embedded broker in a folder of this run, and compiled
    bytecode kept (this machine sets PYTHONDONTWRITEBYTECODE; a deployment has it)."""
    broker = VAR_DIR / "broker-imports"
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment.update(
        QIAO_BROKER_URL="filesystem://",
        QIAO_BROKER_FOLDER=str(broker),
        PYTHONPYCACHEPREFIX=str(VAR_DIR / "pycache"),
    )
    return environment


def process_tree(pid: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        pending += [child for child, parent in parents.items() if parent == current]
    return pids


def tree_usage(pid: int) -> tuple[float, float]:
    """(CPU seconds, largest peak RSS in MB) of a process and its descendants, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    cpu, peak = 0.0, 0.0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / ticks
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return cpu, peak


def run_in_worker(step: str, job_id: int) -> dict:
    """Runs the dry run or the commit as production does: a Celery worker (prefork, two processes,
    as the Procfile starts it) takes the task from the embedded broker. Timed from sending the task
    to the job's new status; CPU time and the largest process's peak memory (VmHWM) of the worker's
    processes come from /proc."""
    import signal

    from qiao.core.imports import services
    from qiao.core.models import ImportJob
    from qiao.org.models import User

    environment = worker_environment()
    subprocess.run(
        [sys.executable, "-c", "import cpca, pandas, pypinyin, phonenumbers, python_calamine, openpyxl"],
        env=environment,
        check=False,
    )  # fills the bytecode cache, as an installed system has it
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qiao",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "--loglevel=WARNING",
        ],
        env=environment,
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.environ.update({k: environment[k] for k in ("QIAO_BROKER_URL", "QIAO_BROKER_FOLDER")})
    from django.conf import settings

    from qiao.celery import app

    app.conf.broker_transport_options = {
        "data_folder_in": environment["QIAO_BROKER_FOLDER"],
        "data_folder_out": environment["QIAO_BROKER_FOLDER"],
        "control_folder": environment["QIAO_BROKER_FOLDER"] + "/control",
    }
    Path(environment["QIAO_BROKER_FOLDER"], "control").mkdir(parents=True, exist_ok=True)
    assert settings.CELERY_RESULT_BACKEND == "django-db"
    time.sleep(8)  # the worker starts (Django, the apps) before the clock does
    cpu_at_start, _peak = tree_usage(worker.pid)
    admin = User.objects.get(username="bench-admin")
    job = ImportJob.objects.get(pk=job_id)
    goal = ImportJob.Status.CHECKED if step == "check" else ImportJob.Status.DONE
    started = time.perf_counter()
    if step == "check":
        services.import_job_check(actor=admin, job=job)
    else:
        services.import_job_commit(actor=admin, job=job)
    while True:
        job.refresh_from_db()
        if job.status in (goal, ImportJob.Status.FAILED):
            break
        if worker.poll() is not None:
            raise RuntimeError(worker.stderr.read())
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    cpu, peak = tree_usage(worker.pid)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    result = {"seconds": seconds, "cpu": cpu - cpu_at_start, "peak_mb": peak, "status": job.status}
    result.update(
        failure=job.failure,
        rows=job.row_count,
        errors=job.error_row_count,
        duplicates=job.duplicate_row_count,
        problems=job.problems,
        created=job.created_count,
    )
    return result


def main() -> int:
    if ARGUMENTS.step:
        result = {"upload": step_upload, "check": step_check, "commit": step_commit, "baseline": step_baseline}[
            ARGUMENTS.step
        ]()
        result["peak_mb"] = peak_memory_mb()
        print(json.dumps(result, ensure_ascii=False))
        return 0

    from qiao.customers.models import Customer
    from qiao.org.services import organization_create

    print(f"# bench/imports — {ARGUMENTS.rows:,} rows, {connection.vendor}, python-calamine reader")
    started = time.perf_counter()
    reset_database()
    connections.close_all()
    organization, admin = organization_create(
        name="基准公司", admin_username="bench-admin", admin_password="Bench-Pass-42"
    )
    path = VAR_DIR / f"bench-imports-{ARGUMENTS.rows}.xlsx"
    planted = generate(path, organization, admin)
    print(
        f"setup: {time.perf_counter() - started:.1f} s — {planted['existing']:,} existing customers, "
        f"file {path.stat().st_size / 1024 / 1024:.1f} MB with {planted['planted_existing']:,} rows repeating "
        f"existing customers and {planted['planted_in_file']:,} repeating earlier rows"
    )
    connections.close_all()

    upload = run_step("upload", file=path)
    check = run_in_worker("check", upload["job"]) if ARGUMENTS.worker else run_step("check", job=upload["job"])
    if check["status"] != "checked" or check["errors"] or check["problems"]:
        print("the check did not pass:", check)
        return 1
    commit = run_in_worker("commit", upload["job"]) if ARGUMENTS.worker else run_step("commit", job=upload["job"])
    created = Customer.objects.filter(org=organization).count() - planted["existing"]
    histories = Customer.history.filter(org_id=organization.pk, history_type="+").count()  # the existing have none
    baseline = run_step("baseline", file=path)

    total = check["seconds"] + commit["seconds"]
    print()
    print("| step | wall s | own CPU s | peak memory (MB) | notes |")
    print("|---|---:|---:|---:|---|")
    print(
        f"| upload (identify, store, headers) | {upload['seconds']:.1f} | | {upload['peak_mb']:.0f} | "
        f"{upload['mapped']} columns mapped |"
    )
    print(
        f"| dry run (read, validate, scope, duplicates) | {check['seconds']:.1f} | {check['cpu']:.1f} | "
        f"{check['peak_mb']:.0f} | {check['rows']:,} rows, {check['errors']} errors, "
        f"{check['duplicates']:,} possible duplicates |"
    )
    print(
        f"| commit (insert + history, one transaction) | {commit['seconds']:.1f} | {commit['cpu']:.1f} | "
        f"{commit['peak_mb']:.0f} | {commit['created']:,} created, {histories:,} history rows |"
    )
    print(
        f"| **dry run + commit** | **{total:.1f}** | {check['cpu'] + commit['cpu']:.1f} | "
        f"{max(check['peak_mb'], commit['peak_mb']):.0f} | "
        f"target ≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_MEMORY_MB:.0f} MB |"
    )
    print(
        f"| baseline: read the file + {'COPY' if IS_POSTGRES else 'executemany'} the raw rows | "
        f"{baseline['seconds']:.1f} | {baseline['cpu']:.1f} | {baseline['peak_mb']:.0f} | "
        f"reading alone {baseline['read_seconds']:.1f} s |"
    )
    print(
        f"\nload average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs"
    )
    print(f"\nimport / baseline: {total / baseline['seconds']:.1f}×")
    found = check["duplicates"]
    expected = planted["planted_existing"] + planted["planted_in_file"]
    print(f"duplicates found {found:,} (planted {expected:,}; generated rows may also collide by chance)")
    ok = (
        commit["status"] == "done"
        and commit["created"] == created
        and total <= TARGET_SECONDS
        and max(check["peak_mb"], commit["peak_mb"]) <= TARGET_MEMORY_MB
    )
    if not ARGUMENTS.keep:
        drop_database()
        path.unlink(missing_ok=True)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
