from celery import shared_task
from django.utils import timezone


@shared_task(name="qiao.core.ping")
def ping(payload: str = "pong") -> dict:
    """A harmless task that proves a worker picks up work and stores its result."""
    return {"payload": payload, "answered_at": timezone.now().isoformat()}
