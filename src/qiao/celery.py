"""The Celery application. The worker and beat are started with `qiao worker` and `qiao beat`."""

import os

from celery import Celery
from celery.signals import worker_process_init

from qiao.core.startup import freeze_loaded_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

app = Celery("qiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _freeze_loaded_objects(**kwargs):
    """Each worker process, once loaded, as the web server does (core/startup.py)."""
    freeze_loaded_objects()
