"""The Celery application. The worker and beat are started with `qiao worker` and `qiao beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

app = Celery("qiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
