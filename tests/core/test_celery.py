"""Acceptance 5: a task sent to the worker runs and its result is visible — with the embedded
(filesystem) broker and with Redis, each through a real `celery worker` process, and through the
default configuration, whose results land in the database (django-celery-results)."""

import os
import subprocess
import sys
import time

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError
from django_celery_results.models import TaskResult

from qiao.celery import app as qiao_app
from qiao.core.tasks import ping

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def start_worker_process(env: dict) -> subprocess.Popen:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("QIAO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    } | env
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "qiao", "worker", "--pool=solo", "--loglevel=INFO"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def send_ping_and_wait(client: Celery, worker: subprocess.Popen) -> dict:
    try:
        result = client.send_task("qiao.core.ping", args=["你好"])
        return result.get(timeout=60)
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output)


def test_worker_process_with_the_embedded_broker(tmp_path):
    broker_folder = tmp_path / "broker"
    results_folder = tmp_path / "results"
    results_folder.mkdir()
    worker = start_worker_process(
        {
            "QIAO_VAR_DIR": str(tmp_path),
            "QIAO_BROKER_URL": "filesystem://",
            "QIAO_BROKER_FOLDER": str(broker_folder),
            "QIAO_RESULT_BACKEND": f"file://{results_folder}",
        }
    )
    client = Celery("client", broker="filesystem://", backend=f"file://{results_folder}")
    client.conf.broker_transport = "qiao.core.broker:Transport"  # as the project's app sends
    client.conf.broker_transport_options = {
        "data_folder_in": str(broker_folder),
        "data_folder_out": str(broker_folder),
        "control_folder": str(broker_folder / "control"),
    }
    broker_folder.mkdir(exist_ok=True)
    answer = send_ping_and_wait(client, worker)
    assert answer["payload"] == "你好"


@pytest.mark.services
@pytest.mark.skipif(not redis_answers(), reason="no Redis server at 127.0.0.1:6379")
def test_worker_process_with_redis(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    worker = start_worker_process(
        {"QIAO_VAR_DIR": str(tmp_path), "QIAO_BROKER_URL": REDIS_URL, "QIAO_RESULT_BACKEND": REDIS_URL}
    )
    client = Celery("client", broker=REDIS_URL, backend=REDIS_URL)
    answer = send_ping_and_wait(client, worker)
    assert answer["payload"] == "你好"


def stored_result(result, seconds: float):
    """`result.get` from the django-db backend, asked again when SQLite answers "database table is
    locked": the test database lives in memory with a shared cache, where a read that meets the
    worker thread's write fails at once instead of waiting as on a database file (`make demo`'s,
    with its busy timeout). Seen once in CI."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return result.get(timeout=max(deadline - time.monotonic(), 0.1))
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_default_configuration_stores_results_in_the_database(tmp_path, celery_conf):
    """The embedded broker and the django-db result backend, as `make demo` runs them."""
    folder = str(tmp_path / "broker")
    os.makedirs(folder)
    celery_conf(
        broker_transport_options={"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder}
    )
    assert qiao_app.conf.result_backend == "django-db"
    with start_worker(qiao_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        result = ping.delay("从数据库")
        assert stored_result(result, seconds=60)["payload"] == "从数据库"
    deadline = time.monotonic() + 10
    while not TaskResult.objects.filter(task_id=result.id, status="SUCCESS").exists():
        assert time.monotonic() < deadline, "the result never reached the database"
        time.sleep(0.2)


def test_the_embedded_broker_shows_a_message_only_once_it_is_written_whole(tmp_path, monkeypatch):
    """kombu's own filesystem transport writes under the final name, and a polling worker could
    read the message half-written (core/broker.py): here it appears by a rename, complete."""
    from kombu import Connection

    from qiao.core import broker

    listings_before_the_rename = []
    rename = os.replace

    def watched_rename(source, target):
        listings_before_the_rename.append(os.listdir(tmp_path))
        rename(source, target)

    monkeypatch.setattr(broker.os, "replace", watched_rename)
    folders = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    with Connection("filesystem://", transport=qiao_app.conf.broker_transport, transport_options=folders) as connection:
        channel = connection.default_channel
        channel._put("jobs", {"body": "完整的消息"})
        assert channel._get("jobs") == {"body": "完整的消息"}
    (listing,) = listings_before_the_rename
    assert [name for name in listing if name.endswith(".jobs.msg")] == []
    assert [name for name in listing if name.endswith(".jobs.msg.partial")] != []
