"""Settings come only from QIAO_* environment variables, with safe defaults (platform issue)."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from qiao import settings as qiao_settings


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("QIAO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    } | env
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_qiao(*args: str, **env) -> subprocess.CompletedProcess:
    return run_python(
        f"import sys; sys.argv = ['qiao', *{list(args)!r}]; from qiao.__main__ import main; main()", **env
    )


def test_sqlite_is_the_default_in_wal_mode(tmp_path):
    config = qiao_settings.database_config(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url():
    config = qiao_settings.database_config("postgres://qiao:secret@db.internal:5432/crm")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5432,
        "crm",
        "qiao",
    )


@pytest.mark.parametrize(
    "url,backend",
    [
        ("locmem://x", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache"),
        ("dummy://", "django.core.cache.backends.dummy.DummyCache"),
    ],
)
def test_cache_urls(url, backend):
    assert qiao_settings.cache_config(url)["BACKEND"] == backend


def test_unknown_cache_scheme_is_a_clear_error():
    with pytest.raises(ImproperlyConfigured, match="QIAO_CACHE_URL"):
        qiao_settings.cache_config("memcached://x")


def test_bad_boolean_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("QIAO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="QIAO_DEBUG"):
        qiao_settings.env_bool("QIAO_DEBUG", False)


def test_secret_key_is_generated_once_into_var(tmp_path):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'qiao.settings'; "
        "from django.conf import settings; print(settings.SECRET_KEY)"
    )
    first = run_python(code, QIAO_VAR_DIR=str(tmp_path))
    second = run_python(code, QIAO_VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first.stdout.strip()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_deploy_check_passes_with_production_settings(tmp_path):
    """Acceptance 3: QIAO_DEBUG=0 and a real secret → `qiao check --deploy` reports nothing."""
    result = run_qiao(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        QIAO_DEBUG="0",
        QIAO_SECRET_KEY="k" * 10 + "Zx9!q2#Lm$4vB7&nC1^pR8*tY3(wE6)uI0-oP5+aS",
        QIAO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("module", ["qiao.wsgi", "qiao.asgi"])
def test_the_server_entry_points_freeze_what_start_up_loaded(module, tmp_path):
    """NFR-8: start-up's 300,000-odd long-lived objects are kept out of the garbage
    collector's full collections (core/startup.py), and so are the URL modules'."""
    result = run_python(
        f"import gc, sys, {module}; "
        "print(gc.get_freeze_count(), 'qiao.customers.api' in sys.modules, len(gc.get_objects()))",
        QIAO_VAR_DIR=str(tmp_path),
        QIAO_SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    frozen, urls_loaded, tracked = result.stdout.split()
    assert int(frozen) > 100_000 and urls_loaded == "True" and int(tracked) < int(frozen) // 10
