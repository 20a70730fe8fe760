"""bench/dedupe: how well and how fast duplicate detection works (CUS-8).

1. Quality, on the labelled pairs of bench/dedupe_pairs.csv (made by bench/dedupe_pairs_make.py):
   precision and recall of "is the same customer" (targets: precision ≥ 0.98, recall ≥ 0.95), per
   kind of variation, and the confusion list (every pair the matcher got wrong, with its score and
   reasons). Measured twice: scoring each pair directly, and end to end — side A of every pair
   stored as a customer, side B checked with `find_duplicates_as_system`, so that candidate
   retrieval by the indexed keys is part of the measurement.
2. Speed, on a fresh database with N generated customers (Chinese company names with their
   region, legal form and branch variations, phones, codes, addresses; 1 % planted duplicates):
   - one duplicate check, `POST /api/v1/duplicates/check/` in-process with a token, and the
     matcher alone, against the indexed SQL look-up of the same keys as the baseline, p50/p95
     (target: API p95 ≤ 30 ms at 1,000,000 customers on PostgreSQL, 100,000 on SQLite);
   - the whole-database scan `duplicate_clusters_as_system` (target: ≤ 60 s at 100,000 customers
     on PostgreSQL, 10,000 on SQLite), against reading the same rows as the baseline.

    .venv/bin/python bench/dedupe.py --evaluate                   # quality only (SQLite, a minute)
    .venv/bin/python bench/dedupe.py --database postgres           # quality + speed: check 1,000,000, scan 100,000
    .venv/bin/python bench/dedupe.py --database sqlite             # quality + speed: check 100,000, scan 10,000

The data of the organization (2,000 employees in 200 departments) comes from bench/
permissions_data.py; customers are loaded with COPY on PostgreSQL. PostgreSQL uses the database
`qiao_bench_dedupe` (dropped and re-created; the `test` database is never touched), SQLite a file
under /tmp/qiao-bench-var. See bench/README.md and docs/dedupe.md.
"""

import argparse
import csv
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import benchkit
from benchkit import (
    CITIES,
    VAR_DIR,
    analyze,
    copy_rows,
    insert_rows,
    iso_time,
    markdown_table,
    milliseconds_of,
    p50,
    p95,
    postgres_bulk_load,
    reset_sequences,
    sqlite_time,
)

PAIRS = Path(__file__).resolve().parent / "dedupe_pairs.csv"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/qiao_bench_dedupe"
DEFAULT_SQLITE_PATH = VAR_DIR / "bench-dedupe.sqlite3"
SIZES = {"postgres": (1_000_000, 100_000), "sqlite": (100_000, 10_000)}  # (check, scan)
CHECK_TARGET_MS = 30.0
SCAN_TARGET_S = 60.0
PRECISION_TARGET, RECALL_TARGET = 0.98, 0.95


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--evaluate", action="store_true", help="measure quality only, no speed")
    parser.add_argument("--check-rows", type=int, help="customers for the check benchmark")
    parser.add_argument("--scan-rows", type=int, help="customers for the scan benchmark")
    parser.add_argument("--repeat", type=int, default=200, help="timed checks (default 200)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--proposed-indexes",
        action="store_true",
        help="also time the check with the indexes on (org, phone) and (org, mobile) that docs/dedupe.md proposes",
    )
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="its database is dropped and re-created")
    parser.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE_PATH)
    parser.add_argument("--keep", action="store_true", help="keep the last database for inspection")
    arguments = parser.parse_args()
    check_rows, scan_rows = SIZES[arguments.database]
    arguments.check_rows = arguments.check_rows or check_rows
    arguments.scan_rows = arguments.scan_rows or scan_rows
    benchkit.require_p95_samples(parser, arguments, "repeat")
    if arguments.database == "postgres":
        benchkit.require_bench_database(parser, arguments.postgres_url)
    return arguments


ARGUMENTS = parse_arguments()
benchkit.setup_django(benchkit.database_url(ARGUMENTS))

# The project, once Django is set up.
from dedupe_pairs_make import mobile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import translation  # noqa: E402
from permissions_data import build_organization  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from qiao.customers import chinese, dedupe  # noqa: E402
from qiao.customers.dedupe.clusters import _scan_rows  # noqa: E402
from qiao.customers.models import Customer  # noqa: E402
from qiao.customers.services import prepare_customer  # noqa: E402
from qiao.org.models import User  # noqa: E402

IS_POSTGRES = connection.vendor == "postgresql"


# ---------------------------------------------------------------------------------------------
# Fresh database (benchkit)


def drop_database() -> None:
    benchkit.drop_database(ARGUMENTS.postgres_url, ARGUMENTS.sqlite_path)


def reset_database() -> float:
    return benchkit.reset_database(ARGUMENTS.postgres_url, ARGUMENTS.sqlite_path)


# ---------------------------------------------------------------------------------------------
# Quality on the labelled pairs


def read_pairs() -> list[dict]:
    if not PAIRS.exists():
        sys.exit(f"{PAIRS} is missing: run .venv/bin/python bench/dedupe_pairs_make.py")
    with PAIRS.open(encoding="utf-8") as lines:
        return list(csv.DictReader(lines))


def side(pair: dict, letter: str) -> dict:
    return {
        "name": pair[f"name_{letter}"],
        "phone": pair[f"phone_{letter}"],
        "unified_social_credit_code": pair[f"code_{letter}"],
        "address": pair[f"address_{letter}"],
    }


def pair_profile(record: dict) -> dedupe.Profile:
    return dedupe.make_profile(
        name=record["name"],
        phones=(record["phone"],),
        unified_social_credit_code=record["unified_social_credit_code"],
        address=record["address"],
    )


def confusion(pairs: list[dict], predictions: list[bool]) -> dict:
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for pair, predicted in zip(pairs, predictions, strict=True):
        actual = pair["label"] == "1"
        counts[("t" if predicted == actual else "f") + ("p" if predicted else "n")] += 1
    counts["precision"] = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    counts["recall"] = counts["tp"] / max(1, counts["tp"] + counts["fn"])
    return counts


def evaluate_pairs(pairs: list[dict]) -> tuple[list[bool], list[tuple[float, list[str]]]]:
    predictions, details = [], []
    for pair in pairs:
        score, reasons = dedupe.score_pair(pair_profile(side(pair, "b")), pair_profile(side(pair, "a")))
        predictions.append(dedupe.is_duplicate(score))
        details.append((score, reasons))
    return predictions, details


def evaluate_end_to_end(pairs: list[dict]) -> tuple[list[bool], float]:
    """Side A of every pair stored as a customer of one organization (through the same
    normalization as the customer pages); side B checked against the whole organization. A pair
    is predicted "same customer" when B's matches include its A."""
    import secrets

    from qiao.org.services import organization_create

    organization, admin = organization_create(
        name="查重评估有限公司",
        admin_username="dedupe_admin",
        admin_password=f"Bench-{secrets.token_urlsafe(16)}",
        admin_full_name="查重管理员",
    )
    stored = []
    with transaction.atomic():
        for pair in pairs:
            customer = Customer(org=organization, owner=admin, owner_department=admin.department, created_by=admin)
            record = side(pair, "a")
            customer.name = record["name"] or "—"
            customer.phone = record["phone"]
            customer.unified_social_credit_code = record["unified_social_credit_code"]
            customer.address = record["address"]
            prepare_customer(customer)
            customer.save()
            stored.append(customer.pk)
    predictions, timings = [], []
    for pair, customer_id in zip(pairs, stored, strict=True):
        record = side(pair, "b")
        started = time.perf_counter()
        matches = dedupe.find_duplicates_as_system(
            org_id=organization.pk,
            name=record["name"],
            phone=record["phone"],
            unified_social_credit_code=record["unified_social_credit_code"],
            address=record["address"],
            types=("customer",),
            limit=50,
        )
        timings.append(time.perf_counter() - started)
        predictions.append(any(match.id == customer_id for match in matches))
    return predictions, statistics.median(timings) * 1000


def print_quality(pairs, predictions, details, end_to_end, end_to_end_ms) -> bool:
    direct = confusion(pairs, predictions)
    through_db = confusion(pairs, end_to_end)
    print("\n# Duplicate detection quality (bench/dedupe_pairs.csv)\n")
    positives = sum(pair["label"] == "1" for pair in pairs)
    print(f"{len(pairs)} labelled pairs: {positives} same customer, {len(pairs) - positives} different customers")
    print(f"threshold: score ≥ {dedupe.DUPLICATE_THRESHOLD}\n")
    header = ["measured", "precision", "recall", "TP", "FP", "FN", "TN", "target", "result"]
    rows = []
    passed = True
    for label, counts in (("pair scoring", direct), (f"end to end (median {end_to_end_ms:.1f} ms/check)", through_db)):
        ok = counts["precision"] >= PRECISION_TARGET and counts["recall"] >= RECALL_TARGET
        passed &= ok
        rows.append(
            [
                label,
                f"{counts['precision']:.3f}",
                f"{counts['recall']:.3f}",
                *(str(counts[k]) for k in ("tp", "fp", "fn", "tn")),
                f"P ≥ {PRECISION_TARGET}, R ≥ {RECALL_TARGET}",
                "pass" if ok else "FAIL",
            ]
        )
    print(text_table(header, rows))

    print("\nPer kind of variation (end to end): pairs predicted correctly\n")
    kinds: dict[str, list[int]] = {}
    for pair, predicted in zip(pairs, end_to_end, strict=True):
        right = predicted == (pair["label"] == "1")
        kinds.setdefault((pair["kind"], pair["label"]), []).append(int(right))
    kind_rows = [
        [kind, "same" if label == "1" else "different", f"{sum(v)}/{len(v)}"]
        for (kind, label), v in sorted(kinds.items(), key=lambda item: (item[0][1] != "1", item[0][0]))
    ]
    print(text_table(["kind", "label", "correct"], kind_rows))

    print("\nConfusion list (every pair decided wrongly, end to end; score and reasons from pair scoring)\n")
    wrong = [
        (pair, detail, predicted)
        for pair, detail, predicted in zip(pairs, details, end_to_end, strict=True)
        if predicted != (pair["label"] == "1")
    ]
    if not wrong:
        print("(none)")
    for pair, (score, reasons), predicted in wrong:
        verdict = "false positive" if predicted else "false negative"
        print(
            f"- #{pair['pair']} {pair['kind']} ({verdict}, score {score:.2f}): "
            f"A {pair['name_a']!r} {pair['phone_a']} {pair['code_a']} {pair['address_a']} | "
            f"B {pair['name_b']!r} {pair['phone_b']} {pair['code_b']} {pair['address_b']}"
            + (f" — {'; '.join(reasons)}" if reasons else "")
        )
    return passed


def run_quality() -> bool:
    pairs = read_pairs()
    predictions, details = evaluate_pairs(pairs)
    reset_database()
    end_to_end, end_to_end_ms = evaluate_end_to_end(pairs)
    return print_quality(pairs, predictions, details, end_to_end, end_to_end_ms)


# ---------------------------------------------------------------------------------------------
# Generated customers for the speed benchmarks

TRADE_CHARACTERS = "恒泰华盛鑫源达通信和瑞丰隆兴宏远金星海天嘉德安永佳美汇成新大中博锦明辉福顺康宝乐益润祥凯聚宇"
INDUSTRIES = [
    "贸易",
    "商贸",
    "科技",
    "食品",
    "茶叶",
    "服饰",
    "建材",
    "五金",
    "电子",
    "医药",
    "家居",
    "物流",
    "文化传媒",
    "农业",
    "酒业",
    "日化",
    "母婴用品",
    "汽配",
    "电器",
    "包装",
    "超市",
]
LEGAL_FORMS = ["有限公司", "有限公司", "有限责任公司", "股份有限公司", "商行", "经营部", ""]
ROADS = [
    "人民路",
    "中山路",
    "解放路",
    "建设路",
    "新华路",
    "文化路",
    "胜利路",
    "和平路",
    "长江路",
    "黄河路",
    "延安路",
    "南京路",
]
PLANTED_SHARE = 0.01  # customers entered twice, written differently


def generated_name(rng: random.Random, city: str) -> tuple[str, str]:
    length = 2 if rng.random() < 0.5 else 3
    trade = "".join(rng.choices(TRADE_CHARACTERS, k=length))
    return trade, f"{city}{trade}{rng.choice(INDUSTRIES)}{rng.choice(LEGAL_FORMS)}"


def variant_of(rng: random.Random, name: str, city: str) -> str:
    """A planted duplicate: the same company written as someone else would."""
    from zhconv import convert

    choice = rng.randrange(4)
    if choice == 0:
        return name.replace(city, "", 1)
    if choice == 1:
        body = name.replace(city, "", 1)
        for form in ("有限责任公司", "股份有限公司", "有限公司"):
            if body.endswith(form):
                return f"{body[: -len(form)]}（{city}）{form}"
        return f"{body}（{city}）"
    if choice == 2:
        return convert(name, "zh-hk")
    return name.removesuffix("有限公司") + "有限责任公司" if name.endswith("有限公司") else name + "有限公司"


def credit_code(rng: random.Random) -> str:
    body = "91" + "".join(rng.choices("0123456789", k=6)) + "".join(rng.choices(chinese.USCC_CHARACTERS, k=9))
    return body + chinese.uscc_check_character(body)


def customer_columns() -> list[str]:
    return [model_field.column for model_field in Customer._meta.concrete_fields]


def customer_rows(rng: random.Random, organization, count: int, format_time, sample: list):
    """Rows in customer_columns() order; every field the generator does not set gets its default.
    `sample` collects (name, phone, code, address) of some customers to check against later."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    fields = Customer._meta.concrete_fields
    defaults = {
        f.column: (f.get_db_prep_save(f.get_default(), connection) if f.has_default() else (None if f.null else ""))
        for f in fields
    }
    cities = [(city, chinese.parse_address(city + "市")) for city in CITIES]
    planted = []
    for customer_id in range(1, count + 1):
        city, address = rng.choice(cities)
        if planted and rng.random() < PLANTED_SHARE:
            original_name, original_city, phone, code = planted[rng.randrange(len(planted))]
            name = variant_of(rng, original_name, original_city)
            phone = phone if rng.random() < 0.5 else ""
            code = code if rng.random() < 0.3 else ""
        else:
            _trade, name = generated_name(rng, city)
            phone = chinese.normalize_phone(mobile(rng)) or ""
            code = credit_code(rng) if rng.random() < 0.6 else ""
            if len(planted) < 20_000 and rng.random() < 0.05:
                planted.append((name, city, phone, code))
        owner_id = organization.employee_ids[rng.randrange(len(organization.employee_ids))]
        street = f"{rng.choice(ROADS)}{rng.randrange(1, 999)}号"
        values = dict(defaults)
        moment = format_time(now - dt.timedelta(seconds=(count - customer_id) * 60))
        values.update(
            id=customer_id,
            org_id=organization.org_id,
            version=1,
            created_at=moment,
            updated_at=moment,
            owner_id=owner_id,
            owner_department_id=organization.employee_department[owner_id],
            created_by_id=owner_id,
            name=name,
            # About half the shops give a mobile, half a fixed line (the generator writes mobiles in both).
            phone=phone if customer_id % 2 else "",
            mobile="" if customer_id % 2 else phone,
            unified_social_credit_code=code,
            address=f"{address.province}{address.city}{street}",
            province=address.province,
            city=address.city,
            district="",
            street=street,
            name_key=chinese.company_name_key(name),
            phone_digits=chinese.phone_digits(phone),
        )
        if customer_id % max(1, count // 400) == 0:
            sample.append((name, phone, code, values["address"]))
        yield tuple(values[column] for column in customer_columns())


def load_customers(rows: int) -> tuple[object, list, float]:
    rng = random.Random(ARGUMENTS.seed)
    with transaction.atomic():
        organization = build_organization(rng)
    sample: list = []
    started = time.perf_counter()
    table = Customer._meta.db_table
    if IS_POSTGRES:
        with postgres_bulk_load([table]):
            copy_rows(table, customer_columns(), customer_rows(rng, organization, rows, iso_time, sample))
    else:
        with transaction.atomic():
            insert_rows(table, customer_columns(), customer_rows(rng, organization, rows, sqlite_time, sample))
    reset_sequences([Customer])
    analyze([table])
    return organization, sample, time.perf_counter() - started


# ---------------------------------------------------------------------------------------------
# Measuring


def check_queries(rng: random.Random, sample: list) -> list[dict]:
    """What people check: a stored customer written differently (name only, or with its phone or
    code), and new companies that match nothing."""
    queries = []
    for name, phone, code, address in sample:
        kind = rng.randrange(4)
        if kind == 0:
            queries.append({"name": chinese.parse_company_name(name).core})
        elif kind == 1:
            queries.append({"name": name + "（总店）", "phone": phone})
        elif kind == 2:
            queries.append({"name": name, "unified_social_credit_code": code, "address": address})
        else:
            _trade, new_name = generated_name(rng, rng.choice(CITIES))
            queries.append({"name": new_name, "phone": mobile(rng)})
    return queries


def baseline_sql(org_id: int, query: dict) -> tuple[str, list]:
    """The indexed look-up of the same keys in one statement, without any scoring."""
    profile = dedupe.make_profile(
        name=query.get("name", ""),
        phones=(query.get("phone", ""),),
        unified_social_credit_code=query.get("unified_social_credit_code", ""),
    )
    # Each OR term carries the organization, so that it matches its own (org, column) index.
    conditions, params = ["org_id = %s AND name_key = %s"], [org_id, profile.company.key]
    if profile.uscc:
        conditions.append("org_id = %s AND unified_social_credit_code = %s")
        params += [org_id, profile.uscc]
    for _digits, written in profile.phone_labels:
        conditions.append("org_id = %s AND phone = %s OR org_id = %s AND mobile = %s")
        params += [org_id, written, org_id, written]
    where = " OR ".join(f"({condition})" for condition in conditions)
    return f"SELECT id, name FROM customers_customer WHERE deleted_at IS NULL AND ({where})", params


def run_sql(statement) -> list:
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchall()


def measure_check(rows: int) -> dict:
    print(f"\n== duplicate check against {rows:,} customers on {connection.vendor}", flush=True)
    migrate_seconds = reset_database()
    organization, sample, load_seconds = load_customers(rows)
    print(f"   migrate {migrate_seconds:.1f} s, data {load_seconds:.1f} s", flush=True)
    user = User.objects.get(pk=organization.admin_id)
    client = APIClient(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    rng = random.Random(ARGUMENTS.seed + 1)
    queries = check_queries(rng, sample)
    results = {}
    configurations = [("current schema", [])]
    if ARGUMENTS.proposed_indexes:
        configurations.append(
            (
                "with the proposed phone indexes",
                [
                    "CREATE INDEX bench_customer_phone ON customers_customer (org_id, phone)",
                    "CREATE INDEX bench_customer_mobile ON customers_customer (org_id, mobile)",
                ],
            )
        )
    found = 0
    for label, statements in configurations:
        for statement in statements:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                cursor.execute("ANALYZE customers_customer")
        api_ms, matcher_ms, sql_ms = [], [], []
        for number in range(ARGUMENTS.warmup + ARGUMENTS.repeat):
            query = queries[number % len(queries)]

            def api(query=query):
                response = client.post("/api/v1/duplicates/check/", query, format="json", secure=True)
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code}: {response.content[:300]!r}")

            def matcher(query=query):
                return dedupe.find_duplicates_as_system(org_id=organization.org_id, **query)

            statement = baseline_sql(organization.org_id, query)
            timings = (
                milliseconds_of(api)[0],
                milliseconds_of(matcher)[0],
                milliseconds_of(lambda s=statement: run_sql(s))[0],
            )
            if number >= ARGUMENTS.warmup:
                api_ms.append(timings[0])
                matcher_ms.append(timings[1])
                sql_ms.append(timings[2])
                if label == "current schema":
                    found += bool(matcher())
        results[label] = (api_ms, matcher_ms, sql_ms)
        print(
            f"   {label}: API p95 {p95(api_ms):.1f} ms, matcher p95 {p95(matcher_ms):.1f} ms, "
            f"SQL p95 {p95(sql_ms):.1f} ms",
            flush=True,
        )
    return {"rows": rows, "results": results, "found": found, "load": load_seconds, "migrate": migrate_seconds}


def measure_scan(rows: int) -> dict:
    print(f"\n== whole-database scan of {rows:,} customers on {connection.vendor}", flush=True)
    migrate_seconds = reset_database()
    organization, _sample, load_seconds = load_customers(rows)
    print(f"   migrate {migrate_seconds:.1f} s, data {load_seconds:.1f} s", flush=True)
    started = time.perf_counter()
    read = sum(1 for _ in _scan_rows(organization.org_id))
    read_seconds = time.perf_counter() - started
    chinese.parse_company_name.cache_clear()
    started = time.perf_counter()
    clusters = dedupe.duplicate_clusters_as_system(organization.org_id)
    scan_seconds = time.perf_counter() - started
    print(f"   read {read:,} rows in {read_seconds:.1f} s; scan {scan_seconds:.1f} s, {len(clusters):,} clusters")
    sizes = [len(cluster.ids) for cluster in clusters]
    return {
        "rows": rows,
        "read": read_seconds,
        "scan": scan_seconds,
        "clusters": len(clusters),
        "in_clusters": sum(sizes),
        "largest": max(sizes, default=0),
        "load": load_seconds,
    }


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """This report's tables hold text as much as figures: left-aligned."""
    return markdown_table(header, rows, align="left")


def print_speed(check: dict, scan: dict) -> bool:
    print("\n# Duplicate detection speed (bench/dedupe)\n")
    print(f"- date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"- machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} {platform.release()}")
    print(f"- database: {benchkit.database_version()}")
    print(f"- command: .venv/bin/python bench/{Path(__file__).name} {' '.join(sys.argv[1:])}")
    print(
        f"- {ARGUMENTS.repeat} timed checks after {ARGUMENTS.warmup} untimed, interleaved; API = POST "
        "/api/v1/duplicates/check/ in-process with a token; matcher = find_duplicates_as_system; SQL = the "
        "indexed look-up of the same keys in one statement, unscored (the baseline)\n"
    )
    passed = True
    rows = []
    for label, (api_ms, matcher_ms, sql_ms) in check["results"].items():
        ok = p95(api_ms) <= CHECK_TARGET_MS
        passed &= ok or (label != "current schema" and ARGUMENTS.proposed_indexes)
        rows.append(
            [
                f"check, {check['rows']:,} customers, {label}",
                f"{p50(api_ms):.1f}",
                f"{p95(api_ms):.1f}",
                f"{p95(matcher_ms):.1f}",
                f"{p50(sql_ms):.1f}",
                f"{p95(sql_ms):.1f}",
                f"≤ {CHECK_TARGET_MS:.0f} ms",
                "pass" if ok else "FAIL",
            ]
        )
    print(text_table(["measured", "API p50", "API p95", "matcher p95", "SQL p50", "SQL p95", "target", "result"], rows))
    print(
        f"\n{check['found']} of {ARGUMENTS.repeat} checks found a match (a quarter of the queries are new companies)."
    )
    ok = scan["scan"] <= SCAN_TARGET_S
    passed &= ok
    print()
    print(
        text_table(
            [
                "measured",
                "scan",
                "reading the rows (baseline)",
                "clusters",
                "customers in clusters",
                "largest",
                "target",
                "result",
            ],
            [
                [
                    f"scan, {scan['rows']:,} customers",
                    f"{scan['scan']:.1f} s",
                    f"{scan['read']:.1f} s",
                    f"{scan['clusters']:,}",
                    f"{scan['in_clusters']:,}",
                    str(scan["largest"]),
                    f"≤ {SCAN_TARGET_S:.0f} s",
                    "pass" if ok else "FAIL",
                ]
            ],
        )
    )
    return passed


def main() -> int:
    started = time.perf_counter()
    translation.activate("en")
    passed = run_quality()
    if not ARGUMENTS.evaluate:
        check = measure_check(ARGUMENTS.check_rows)
        scan = measure_scan(ARGUMENTS.scan_rows)
        passed &= print_speed(check, scan)
    if not ARGUMENTS.keep:
        drop_database()
    print(
        f"\nOverall: {'all targets met' if passed else 'some targets FAILED'}; "
        f"whole run {time.perf_counter() - started:.0f} s"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
