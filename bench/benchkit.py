"""What the benchmarks in bench/ share: their fresh database, the environment they run Django in,
the percentiles, the wait for a quiet machine, the markdown tables, the vocabulary of generated
Chinese businesses and the bulk loading of generated rows.

The scripts run as `.venv/bin/python bench/<name>.py`, so bench/ is on sys.path and they import
this module by name, before Django is set up: nothing here touches the settings, the database or a
model until it is called (models are passed in), so that a script can parse its arguments, then
call setup_django(), then import the project.
"""

import argparse
import contextlib
import datetime as dt
import math
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.management.color import no_style
from django.db import connection, connections

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Every benchmark works under here, so that the developer's var/ is left alone.
VAR_DIR = Path("/tmp/qiao-bench-var")
MIN_P95_SAMPLES = 20


# ---------------------------------------------------------------------------------------------
# Arguments and environment


def require_p95_samples(parser: argparse.ArgumentParser, arguments: argparse.Namespace, *names: str) -> None:
    """Refuse fewer timed samples than a p95 needs to mean something."""
    if any(getattr(arguments, name) < MIN_P95_SAMPLES for name in names):
        options = " and ".join(f"--{name.replace('_', '-')}" for name in names)
        parser.error(f"{options} must be at least {MIN_P95_SAMPLES} for a p95 to mean something")


def require_bench_database(parser: argparse.ArgumentParser, postgres_url: str) -> None:
    # The database is dropped at every run; refuse anything that is not obviously ours.
    if "bench" not in postgres_url.rsplit("/", 1)[-1]:
        parser.error("the PostgreSQL database name must contain 'bench' (it is dropped and re-created)")


def database_url(arguments: argparse.Namespace) -> str:
    """The URL of --database: --postgres-url, or the SQLite file at --sqlite-path."""
    if arguments.database == "postgres":
        return arguments.postgres_url
    return f"sqlite:///{arguments.sqlite_path.resolve()}"


def setup_django(url: str, **environment: str) -> None:
    """Set Django up on the benchmark's database with production settings, as a deployment runs
    them: no DEBUG (which would also record every query), QIAO_VAR_DIR under /tmp."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="qiao.settings",
        QIAO_DATABASE_URL=url,
        QIAO_VAR_DIR=str(VAR_DIR),
        QIAO_DEBUG="0",
        **environment,
    )
    # WhiteNoise warns about a missing static root; the API serves no static files.
    (VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    # As the web server and the worker do once loaded (qiao/wsgi.py), so that timings include the
    # same garbage collection as theirs.
    from qiao.core.startup import freeze_loaded_objects

    freeze_loaded_objects()


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# ---------------------------------------------------------------------------------------------
# A fresh database


def maintenance_connection(postgres_url: str):
    import psycopg

    return psycopg.connect(postgres_url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def drop_database(postgres_url: str, sqlite_path: Path | None = None) -> None:
    """Drop the benchmark database: the PostgreSQL one of postgres_url, or the SQLite file and its
    journal files — whichever Django is set up on."""
    connections.close_all()
    if is_postgres():
        with maintenance_connection(postgres_url) as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{connection.settings_dict["NAME"]}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)


def reset_database(postgres_url: str, sqlite_path: Path | None = None) -> float:
    """Drop and re-create the benchmark database, migrate it; returns the seconds it took."""
    started = time.perf_counter()
    drop_database(postgres_url, sqlite_path)
    if is_postgres():
        with maintenance_connection(postgres_url) as maintenance:
            maintenance.execute(f'CREATE DATABASE "{connection.settings_dict["NAME"]}"')
    else:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    qiao("migrate", "--noinput", "-v0")
    return time.perf_counter() - started


def qiao(*arguments: str) -> None:
    """Run a `qiao` management command in a child process, in this run's environment."""
    command = Path(sys.executable).parent / "qiao"
    subprocess.run([command, *arguments], check=True, env=os.environ, cwd=PROJECT_DIR)


def database_version() -> str:
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def machine_speed_ms() -> float:
    """The best of five runs of a fixed pure-Python loop (2,000,000 additions), in ms: the
    machines these benchmarks run on differ from session to session by up to 2×, and this figure
    tells how fast this one is when comparing runs made on different machines."""
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return best * 1000


# ---------------------------------------------------------------------------------------------
# Measuring


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    """Nearest rank: the smallest sample that 95 % of the samples do not exceed."""
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def milliseconds_of(action) -> tuple[float, object]:
    """(milliseconds, result) of calling `action`."""
    started = time.perf_counter_ns()
    result = action()
    return (time.perf_counter_ns() - started) / 1e6, result


QUIET_CORES = 0.3  # other processes' CPU use, in cores, below which the machine counts as quiet


def cpu_times() -> tuple[int, int] | None:
    """(busy, total) clock ticks of all CPUs since boot, or None where /proc/stat does not exist."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return None
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def background_load(seconds: float = 1.0) -> float | None:
    """Cores the rest of the machine keeps busy while this benchmark sleeps (the database too)."""
    before = cpu_times()
    time.sleep(seconds)
    after = cpu_times()
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1]) * (os.cpu_count() or 1)


def wait_for_quiet_machine(quiet_wait: float) -> float | None:
    """On a 2-core machine one busy neighbour (a test run, a build) doubles the latencies; wait up
    to `quiet_wait` seconds for it to finish, and report the load the measurement had to share the
    machine with."""
    deadline = time.monotonic() + quiet_wait
    load = background_load()
    while load is not None and load > QUIET_CORES and time.monotonic() < deadline:
        load = background_load()
    return load


# ---------------------------------------------------------------------------------------------
# Reporting


def markdown_table(header: list[str], rows: list[list[str]], *, align: str = "right") -> str:
    """A markdown table with padded columns, its cells aligned right (figures) or left (text)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    pad = str.rjust if align == "right" else str.ljust

    def line(cells):
        return "| " + " | ".join(pad(str(cell), width) for cell, width in zip(cells, widths, strict=True)) + " |"

    if align == "right":
        separator = "|" + "|".join("-" * (width + 1) + ":" for width in widths) + "|"
    else:
        separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(header), separator, *(line(row) for row in rows)])


# ---------------------------------------------------------------------------------------------
# The vocabulary of generated Chinese businesses and people


def words(text: str) -> list[str]:
    return text.split()


CITIES = words(
    "上海 杭州 南京 苏州 无锡 宁波 合肥 福州 厦门 济南 青岛 广州 深圳 东莞 佛山 成都 重庆 武汉 长沙 郑州 西安 天津 "
    "北京 石家庄 太原 沈阳 大连 长春 哈尔滨 南昌 昆明 贵阳 南宁 海口 兰州 银川 西宁 乌鲁木齐 呼和浩特 拉萨 温州 绍兴 "
    "嘉兴 金华 台州 常州 徐州 扬州 南通 泉州 漳州 烟台 潍坊 洛阳"
)
NAME_WORDS = words("恒 泰 华 盛 鑫 源 达 通 信 和 瑞 丰 隆 兴 宏 远 金 星 海 天 嘉 德 安 永 佳 美 汇 成 新 大")
INDUSTRIES = words("贸易 商贸 科技 食品 茶叶 服饰 建材 五金 电子 医药 家居 物流 文化 农业 酒业 日化 母婴 汽配")
STREETS = words("人民路 解放路 中山路 建设路 新华路 文化路 和平路 胜利路 青年路 长江路 黄河路 朝阳路")
SURNAMES = words("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹")
GIVEN_NAMES = words("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 建 文 玉 兰 红 鹏")
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


# ---------------------------------------------------------------------------------------------
# Bulk loading of generated rows


def iso_time(moment: dt.datetime) -> str:
    return moment.isoformat()


def sqlite_time(moment: dt.datetime) -> str:
    # Exactly what Django stores on SQLite (naive UTC text), so ordering and comparisons match.
    return connection.ops.adapt_datetimefield_value(moment)


def extra_columns(model, known_columns) -> list[tuple[str, object]]:
    """(column, value) of the model's columns a generator does not vary: filled with the field's
    default, an empty text, or NULL. A required column without any of these stops the run with a
    clear message instead of a constraint error deep inside COPY."""
    extras = []
    for model_field in model._meta.concrete_fields:
        if model_field.column in known_columns:
            continue
        if model_field.has_default():
            extras.append((model_field.column, model_field.get_db_prep_save(model_field.get_default(), connection)))
        elif model_field.blank and model_field.empty_strings_allowed and not model_field.null:
            extras.append((model_field.column, ""))
        elif model_field.null:
            extras.append((model_field.column, None))
        else:
            sys.exit(
                f"bench/{Path(sys.argv[0]).name} does not know how to fill {model.__name__}.{model_field.name}: "
                "add it to the generated rows"
            )
    return extras


def m2m_table(model, field_name: str) -> tuple[str, str, str]:
    """(table, own column, other column) of a many-to-many field of `model`."""
    model_field = model._meta.get_field(field_name)
    return (
        model_field.remote_field.through._meta.db_table,
        model_field.m2m_column_name(),
        model_field.m2m_reverse_name(),
    )


def m2m_through_models(model, field_names) -> list:
    return [model._meta.get_field(name).remote_field.through for name in field_names]


def pairs(flat):
    """(a, b) pairs of a flat sequence a, b, a, b …"""
    iterator = iter(flat)
    return zip(iterator, iterator, strict=True)


@dataclass
class IndexRebuild:
    """Filled in by postgres_bulk_load when its block ends."""

    seconds: float = 0.0  # rebuilding the indexes and validating the foreign keys


@contextlib.contextmanager
def postgres_bulk_load(tables: list[str]):
    """Load the way pg_restore does: without the secondary indexes and foreign keys, then build
    the indexes in one pass each and validate each foreign key with one query. Row-by-row index
    maintenance and millions of deferred foreign-key triggers would take several times longer;
    the database still checks every constraint. Yields an IndexRebuild."""
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
    rebuild = IndexRebuild()
    yield rebuild
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("RESET maintenance_work_mem")
    rebuild.seconds = time.perf_counter() - started


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


def reset_sequences(models) -> None:
    """Rows loaded with their own ids: move the id sequences past them."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def analyze(tables: list[str]) -> float:
    """Fresh statistics, as autovacuum / `ANALYZE` would have them on a live system; on PostgreSQL
    VACUUM also writes the visibility map that index-only scans rely on. Returns the seconds."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if is_postgres():
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started
