"""Readiness checks for /healthz and the workbench's system panel."""

from django.db import connection
from kombu import Connection

from qiao.celery import app


def check_database() -> str | None:
    """None when the database answers, else the error."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return str(error)
    return None


def check_broker() -> str | None:
    """None when the Celery broker accepts a connection, else the error."""
    try:
        with Connection(app.conf.broker_url, transport_options=app.conf.broker_transport_options) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as error:
        return str(error)
    return None
