"""What every step of an import shares: the job's status names, finding the job's importer, the
uploader's access to the job, refusals and failures, and the sizes more than one step uses."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from qiao.core.models import ImportJob

from ..definition import Importer, importer_for

PREVIEW_ROWS = 10
INSERT_BATCH = 500
Status = ImportJob.Status


def _importer(job_or_code) -> Importer:
    code = job_or_code if isinstance(job_or_code, str) else job_or_code.type_code
    importer = importer_for(code)
    if importer is None:
        raise LookupError(code)
    return importer


def _require_own(actor, job: ImportJob) -> None:
    if not ImportJob.objects.visible_to(actor).filter(pk=job.pk).exists():
        from django.http import Http404

        raise Http404


def _refused(message: str, code: str, field_name: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=Status.FAILED, failure=message, updated_at=timezone.now())
