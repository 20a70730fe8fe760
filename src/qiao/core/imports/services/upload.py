"""The first steps of an import: the uploaded file stored and its header row read, then the
columns matched to the importer's fields."""

import logging
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.models import ImportJob

from ...forms import whole_number
from .. import reading
from ..definition import Importer, ImportField
from ..problems import ImportProblem
from .common import Status, _importer, _refused, _require_own

logger = logging.getLogger(__name__)

SAMPLE_ROWS = 3


def import_job_create(*, actor, type_code: str, upload) -> ImportJob:
    """Stores an uploaded .xlsx or .csv file after checking by its content that it is one, reads
    its header row and first rows, and matches the columns it recognises. A file of another type
    is refused (ValidationError on "file") and nothing is kept."""
    importer = _importer(type_code)
    core_services.require_add(actor, importer.model)
    name = PurePath(upload.name or "upload").name[:255]
    kind = reading.identify(upload, name)
    job = ImportJob(
        org_id=actor.org_id,
        created_by=actor,
        type_code=type_code,
        language=translation.get_language() or "zh-hans",
        file_name=name,
        file_format=kind.format,
        encoding=kind.encoding,
        delimiter=kind.delimiter if kind.format == "csv" else "",
    )
    job.file.save(name, upload, save=False)
    try:
        with reading.local_path(job.file) as path:
            headers, samples = _headers_and_samples(path, kind)
            job.estimated_rows = reading.estimate_rows(path, kind)
    except ValidationError:
        job.file.delete(save=False)
        raise
    except Exception as error:  # a damaged workbook: openpyxl, calamine and zipfile raise many kinds
        job.file.delete(save=False)
        logger.info("unreadable import file %s: %r", name, error)
        raise reading.refuse(
            _("“%(name)s” could not be read: the file is damaged or not a spreadsheet.") % {"name": name}
        ) from error
    job.headers, job.samples = headers, samples
    job.mapping = _previous_mapping(actor, type_code, headers) or importer.guess_mapping(headers)
    job.save()
    return job


def _headers_and_samples(path: str, kind) -> tuple[list[str], list[list[str]]]:
    rows = reading.read_rows(path, kind)
    first = next(rows, None)
    if first is None:
        raise reading.refuse(_("The file has no rows."), ImportProblem.FILE_EMPTY)
    samples = [[reading.cell_text(value) for value in values] for _number, values in _take(rows, SAMPLE_ROWS)]
    headers = [reading.cell_text(value) for value in first[1]]
    width = max([len(headers), *(len(sample) for sample in samples)])
    while width and not headers[width - 1 : width] and not any(s[width - 1 : width] != [""] for s in samples):
        width -= 1
    headers = (headers + [""] * width)[:width]
    return headers, [(sample + [""] * width)[:width] for sample in samples]


def _take(iterator, count: int):
    for _index, item in zip(range(count), iterator, strict=False):
        yield item


def _previous_mapping(actor, type_code: str, headers: list[str]) -> dict | None:
    """The mapping of the user's last file with the same headers (a corrected file uploaded again)."""
    previous = (
        ImportJob.objects.visible_to(actor)
        .filter(type_code=type_code)
        .exclude(status=Status.MAPPING)
        .order_by("-created_at", "-pk")
        .values_list("headers", "mapping")
        .first()
    )
    if previous and previous[0] == headers:
        return previous[1]
    return None


@transaction.atomic
def import_job_map_columns(*, actor, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Sets which column fills which field (column position → field name; empty: not imported)."""
    _require_own(actor, job)
    importer = _importer(job)
    if job.status not in (Status.MAPPING, Status.CHECKED, Status.FAILED):
        raise _refused(_("This import can no longer be changed."), ImportProblem.NOT_READY)
    cleaned, errors = {}, []
    for position, name in mapping.items():
        if not name:
            continue
        if whole_number(position, default=len(job.headers)) >= len(job.headers) or importer.field(name) is None:
            errors.append(_("Unknown column or field."))
            continue
        if name in cleaned.values():
            errors.append(
                _("“%(field)s” is chosen for more than one column.") % {"field": importer.label(importer.field(name))}
            )
            continue
        cleaned[str(position)] = name
    if errors:
        raise ValidationError({"mapping": [ValidationError(error, code=ImportProblem.MAPPING) for error in errors]})
    job.mapping = cleaned
    _reset_findings(job)
    job.status = Status.MAPPING
    job.save()
    return job


def missing_columns(importer: Importer, mapping: dict) -> list[ImportField]:
    mapped = set(mapping.values())
    return [f for f in importer.fields if f.required and f.name not in mapped]


def _reset_findings(job: ImportJob) -> None:
    job.issues.all().delete()
    if job.checked_rows:
        default_storage.delete(job.checked_rows)
    job.checked_rows = ""
    job.row_count = job.error_row_count = job.duplicate_row_count = 0
    job.problems, job.preview, job.failure = [], [], ""
    job.checked_at = None
    job.progress_done = 0
