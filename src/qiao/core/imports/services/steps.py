"""The uploader's steps after the mapping: starting the dry run, deciding about possible
duplicates, starting the commit. Where the work then runs is running.py's concern."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.models import ImportIssue, ImportJob

from ..problems import ImportProblem
from .common import Status, _importer, _refused, _require_own
from .running import _dispatch
from .upload import _reset_findings


def import_job_check(*, actor, job: ImportJob) -> ImportJob:
    """Starts the dry run: within the request for a small file, in the worker for a large one."""
    _require_own(actor, job)
    core_services.require_add(actor, _importer(job).model)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status not in (Status.MAPPING, Status.CHECKED, Status.FAILED):
            raise _refused(_("This import is already being checked or imported."), ImportProblem.NOT_READY)
        _reset_findings(locked)
        locked.status, locked.phase = Status.CHECKING, "reading"
        locked.progress_total = locked.estimated_rows
        locked.save()
    _dispatch(locked, "check")
    locked.refresh_from_db()
    return locked


@transaction.atomic
def import_job_decide(*, actor, job: ImportJob, decision: str, rows: list[int] | None = None) -> int:
    """Skip, or import anyway, the possible duplicates in `rows` (all of them when None)."""
    _require_own(actor, job)
    if job.status != Status.CHECKED:
        raise _refused(_("This import can no longer be changed."), ImportProblem.NOT_READY)
    if decision not in ImportIssue.Decision.values:
        raise _refused(_("Unknown choice."), ImportProblem.INVALID)
    duplicates = job.issues.filter(kind=ImportIssue.Kind.DUPLICATE)
    if rows is not None:
        duplicates = duplicates.filter(row_number__in=rows)
    return duplicates.update(decision=decision)


def rows_to_import(job: ImportJob) -> int:
    skipped = job.issues.filter(kind=ImportIssue.Kind.DUPLICATE, decision=ImportIssue.Decision.SKIP).count()
    return job.row_count - job.error_row_count - skipped


def import_job_commit(*, actor, job: ImportJob) -> ImportJob:
    """Starts the commit of a checked file without errors: within the request for a small file,
    in the worker for a large one."""
    _require_own(actor, job)
    core_services.require_add(actor, _importer(job).model)
    job.refresh_from_db()
    if not job.can_commit:
        raise _refused(_("Only a checked file without errors can be imported."), ImportProblem.NOT_READY)
    total = rows_to_import(job)
    if not ImportJob.objects.filter(pk=job.pk, status=Status.CHECKED).update(
        status=Status.COMMITTING, phase="saving", progress_done=0, progress_total=total, updated_at=timezone.now()
    ):
        raise _refused(_("This import is already being imported."), ImportProblem.NOT_READY)
    job.refresh_from_db()
    _dispatch(job, "commit")
    job.refresh_from_db()
    return job
