"""Qiao (桥) CRM."""

from .celery import app as celery_app

__all__ = ["celery_app"]
