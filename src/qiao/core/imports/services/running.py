"""Where the dry run and the commit run: within the request for a small file, in the Celery
worker for a large one (these are the tasks' bodies, core/tasks.py), a large check cut into
ranges of rows checked side by side."""

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _

from qiao.core.models import ImportJob

from ..problems import ImportProblem
from .checker import _Checker
from .commit import CommitRefused, _Committer
from .common import Status, _fail, _refused

logger = logging.getLogger(__name__)

INLINE_ROWS = 1000  # up to this many rows, the check and the commit run within the request
CHECK_PARTS = 2  # ranges of a large file checked side by side (settings.QIAO_IMPORT_CHECK_PARTS)
PART_MIN_ROWS = 10_000


def _dispatch(job: ImportJob, step: str) -> None:
    if job.estimated_rows <= INLINE_ROWS:
        (run_check if step == "check" else run_commit)(job.pk, report_progress=False)
        return
    from qiao.core import tasks

    task = tasks.import_check if step == "check" else tasks.import_commit
    try:
        result = task.delay(job.pk)
    except Exception:
        logger.exception("import %s: the task queue does not answer", job.pk)
        status = Status.MAPPING if step == "check" else Status.CHECKED
        ImportJob.objects.filter(pk=job.pk).update(status=status)
        raise _refused(
            _("The background worker cannot be reached, so this large file cannot be processed now. Try again later."),
            ImportProblem.NOT_READY,
        ) from None
    ImportJob.objects.filter(pk=job.pk).update(task_id=result.id or "")


def run_check(job_id: int, *, report_progress: bool = True) -> None:
    """The dry run of one job (the worker's task, or inline for small files). A large file is cut
    into `CHECK_PARTS` ranges of rows checked side by side by the worker's processes (a Celery
    chord); the last step joins them and looks for duplicates over the whole file."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id, status=Status.CHECKING).first()
    if job is None:
        return
    with translation.override(job.language):
        try:
            checker = _Checker(job, report_progress=report_progress)
            if not checker.allowed():
                return
            ranges = part_ranges(job.estimated_rows) if report_progress else [(0, None)]
            if len(ranges) == 1:
                checker.finish([checker.check_part(0, None)])
                return
            from celery import chord

            from qiao.core import tasks

            parts = [tasks.import_check_part.si(job.pk, start, stop) for start, stop in ranges]
            chord(parts)(tasks.import_check_finish.s(job.pk))
        except Exception:
            logger.exception("import %s: the check failed", job_id)
            _fail(job, _("The check stopped because of an unexpected error. Nothing was imported; try again."))


def part_ranges(rows: int) -> list[tuple[int, int | None]]:
    parts = max(1, int(getattr(settings, "QIAO_IMPORT_CHECK_PARTS", CHECK_PARTS)))
    if rows < PART_MIN_ROWS * 2 or parts == 1:
        return [(0, None)]
    size = -(-rows // parts)
    return [(index * size, (index + 1) * size) for index in range(parts - 1)] + [((parts - 1) * size, None)]


def run_check_part(job_id: int, start: int, stop: int | None) -> dict:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id, status=Status.CHECKING).first()
    if job is None:
        return {"failed": True}
    with translation.override(job.language):
        try:
            return _Checker(job, report_progress=True).check_part(start, stop)
        except Exception:
            logger.exception("import %s: the check of rows %s–%s failed", job_id, start, stop)
            _fail(job, _("The check stopped because of an unexpected error. Nothing was imported; try again."))
            return {"failed": True}


def run_check_finish(parts: list[dict], job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id, status=Status.CHECKING).first()
    if job is None or any(part.get("failed") for part in parts):
        for part in parts:
            for name in (part.get("accepted"), part.get("candidates")):
                if name:
                    default_storage.delete(name)
        return
    with translation.override(job.language):
        try:
            _Checker(job, report_progress=True).finish(parts)
        except Exception:
            logger.exception("import %s: joining the checked parts failed", job_id)
            _fail(job, _("The check stopped because of an unexpected error. Nothing was imported; try again."))


def run_commit(job_id: int, *, report_progress: bool = True) -> None:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id, status=Status.COMMITTING).first()
    if job is None:
        return
    with translation.override(job.language):
        try:
            _Committer(job, report_progress=report_progress).run()
        except CommitRefused as refusal:
            _fail(job, str(refusal))
        except Exception:
            logger.exception("import %s: the commit failed", job_id)
            _fail(job, _("The import stopped because of an unexpected error. Nothing was imported; try again."))
