from celery import shared_task


@shared_task(bind=True, name="qiao.core.ping")
def ping(self, payload: str = "pong") -> dict:
    """A harmless task that proves a worker picks up work and stores its result."""
    return {"payload": payload, "worker": self.request.hostname}
