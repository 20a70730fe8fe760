"""Scheduled work of the customer archive. Schedules live in the database (django-celery-beat), where
administrators can change them; `ensure_schedules` creates the defaults after `migrate` and never
overwrites an administrator's change."""

from celery import shared_task

POOL_RETURN_TASK = "qiao.customers.pool_return"
POOL_RETURN_SCHEDULE_NAME = "Public pool: warnings and automatic return (CUS-12)"


@shared_task(name=POOL_RETURN_TASK)
def pool_return() -> dict:
    """CUS-12: warns the owners of customers about to return to the public pool, then returns the
    customers nobody followed up or sold to in time."""
    from .pool_services import pool_return_due_as_system

    return pool_return_due_as_system()


def ensure_schedules(**kwargs) -> None:
    """Every night at 02:00 in the default time zone (a post_migrate receiver, customers/apps.py)."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if PeriodicTask.objects.filter(task=POOL_RETURN_TASK).exists():
        return
    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.create(name=POOL_RETURN_SCHEDULE_NAME, task=POOL_RETURN_TASK, crontab=schedule)
