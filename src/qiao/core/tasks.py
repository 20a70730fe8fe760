from celery import shared_task


@shared_task(bind=True, name="qiao.core.ping")
def ping(self, payload: str = "pong") -> dict:
    """A harmless task that proves a worker picks up work and stores its result."""
    return {"payload": payload, "worker": self.request.hostname}


@shared_task(name="qiao.core.import_check")
def import_check(job_id: int) -> None:
    """The dry run of a large import file (CUS-7); the page polls the job's progress."""
    from .imports.services import run_check

    run_check(job_id)


@shared_task(name="qiao.core.import_commit")
def import_commit(job_id: int) -> None:
    """The all-or-nothing commit of a large, checked import file (CUS-7)."""
    from .imports.services import run_commit

    run_commit(job_id)


@shared_task(name="qiao.core.import_check_part")
def import_check_part(job_id: int, start: int, stop: int | None) -> dict:
    """One range of rows of a large import file, checked beside the others (CUS-7)."""
    from .imports.services import run_check_part

    return run_check_part(job_id, start, stop)


@shared_task(name="qiao.core.import_check_finish")
def import_check_finish(parts: list[dict], job_id: int) -> None:
    """Joins the checked ranges and looks for duplicates over the whole file (CUS-7)."""
    from .imports.services import run_check_finish

    run_check_finish(parts, job_id)
