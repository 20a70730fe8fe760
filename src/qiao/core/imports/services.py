"""Every step of an import (CUS-7): upload, column mapping, the dry run ("check") and the
all-or-nothing commit, for any object type with an importer.

The dry run reads the file a batch at a time, turns each row into an unsaved record, and runs the
type's own `prepare` hook and model validation on it — the same normalization and rules as a
record saved through a page or the API (core/services.py) — then asks the type for duplicates in
the file and among existing records. It stores every finding per row, and the normalized rows it
accepted, in a compressed file. The commit reads those rows back and bulk-creates them, with their
history rows, in one transaction, re-checking after each batch that every new record is within the
importer's edit scope: a file with any error, or a batch outside that scope, imports nothing.

Files of more than `INLINE_ROWS` rows are checked and imported by the Celery worker (core/tasks.py)
while the page polls the job's progress."""

import gzip
import json
import logging
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections, models, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from qiao.core import services as core_services
from qiao.core.models import ImportIssue, ImportJob
from qiao.core.permissions import object_type

from ..forms import whole_number
from . import reading
from .definition import EmployeeDirectory, Importer, ImportField, ParseContext, importer_for
from .inserting import RowInserter
from .problems import ImportProblem

logger = logging.getLogger(__name__)

INLINE_ROWS = 1000  # up to this many rows, the check and the commit run within the request
CHECK_PARTS = 2  # ranges of a large file checked side by side (settings.QIAO_IMPORT_CHECK_PARTS)
PART_MIN_ROWS = 10_000
MAX_ROWS = 200_000
PREVIEW_ROWS = 10
SAMPLE_ROWS = 3
INSERT_BATCH = 500
DUPLICATE_CHUNK = 1000
# Not read from the file: set by the commit, or bookkeeping of the shared services.
NOT_STORED = {"id", "org", "version", "created_at", "updated_at", "deleted_at", "deleted_by", "created_by"}
NOT_VALIDATED = ["org", "version", "deleted_at", "deleted_by", "created_by", "creator", "owner", "owner_department"]
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


# --- upload and mapping ------------------------------------------------------------------------------


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


# --- the dry run -------------------------------------------------------------------------------------


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


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=Status.FAILED, failure=message, updated_at=timezone.now())


@dataclass
class RowFinding:
    field: ImportField | None
    text: str
    message: str
    code: str


@dataclass
class Entry:
    number: int
    record: object
    texts: dict
    errors: list[RowFinding] = field(default_factory=list)

    def has_error_on(self, import_field: ImportField | None) -> bool:
        return any(error.field is import_field for error in self.errors)


def _messages(error: ValidationError) -> tuple[str, str]:
    errors = error.error_list if hasattr(error, "error_list") else [error]
    message = " ".join(str(m) for e in errors for m in e.messages)
    return message, str(errors[0].code or ImportProblem.INVALID)


class _Checker:
    def __init__(self, job: ImportJob, *, report_progress: bool):
        self.job = job
        self.actor = type(job.created_by).objects.get(pk=job.created_by_id)  # scopes as they are now
        self.importer = _importer(job)
        self.model = self.importer.model
        self.prepare = object_type(job.type_code).prepare
        self.report_progress = report_progress
        self.mapping = {
            int(position): self.importer.field(name)
            for position, name in job.mapping.items()
            if self.importer.field(name) is not None
        }
        self.columns = {
            f.name: f"{get_column_letter(position + 1)} · {job.headers[position] or self.importer.label(f)}"
            for position, f in self.mapping.items()
        }
        self.missing = {f.name for f in missing_columns(self.importer, job.mapping)}
        self.has_owner = any(f.name == "owner" for f in self.model._meta.concrete_fields)
        self.context = ParseContext(actor=self.actor, employees=EmployeeDirectory(self.actor))
        self.stored_fields = [
            f for f in self.model._meta.concrete_fields if f.name not in NOT_STORED and not f.primary_key
        ]
        self.examples = self.importer.example_texts()
        self.defaults = {f.attname: f.get_default() for f in self.stored_fields}
        mapped = {target for f in self.mapping.values() for target in self.importer.targets(f)}
        self.untouched = {
            f.attname: (f.name, f.get_default())
            for f in self.stored_fields
            if f.name not in mapped and not (f.has_default() and callable(f.default))
        }
        self.scope_answers: dict[tuple, bool] = {}
        self.candidates: list[tuple[int, str, dict]] = []  # (row number, summary, what the matcher compares)
        self.rows_read = self.row_count = self.error_rows = self.duplicate_rows = 0
        self.more_rows = False
        self.preview: list[dict] = []
        self.problems: list[dict] = []

    # The whole file

    def run(self) -> None:
        """The whole file in this process: its rows, then the duplicates and the findings."""
        if self.allowed():
            self.finish([self.check_part(0, None)])

    def allowed(self) -> bool:
        if not self.actor.is_active or not self.actor.has_code(f"{self.importer.code}.add"):
            _fail(self.job, _("You may no longer add records of this type; nothing was imported."))
            return False
        return True

    def check_part(self, start: int, stop: int | None) -> dict:
        """Checks the data rows from position `start` to `stop` (None: to the end), stores the
        rows it accepts and what the duplicate matcher needs of them, and says what it found."""
        job = self.job
        kind = reading.FileKind(job.file_format, job.encoding, job.delimiter or ",")
        with reading.local_path(job.file) as path, tempfile.TemporaryFile() as output:
            with gzip.open(output, "wt", encoding="utf-8", compresslevel=1) as accepted:
                rows = reading.read_rows(path, kind)
                next(rows, None)  # the header row
                batch, position = [], -1
                for number, values in rows:
                    position += 1
                    if position < start:
                        continue
                    if (stop is not None and position >= stop) or position >= MAX_ROWS:
                        self.more_rows = True
                        break
                    self.rows_read += 1
                    batch.append((number, values))
                    if len(batch) >= self.importer.batch_size:
                        self.check_batch(batch, accepted)
                        batch = []
                if batch:
                    self.check_batch(batch, accepted)
            output.seek(0)
            stored = _store(output, "rows.jsonl.gz")
        with tempfile.TemporaryFile() as output:
            with gzip.open(output, "wt", encoding="utf-8", compresslevel=1) as candidates:
                for candidate in self.candidates:
                    candidates.write(json.dumps(candidate, default=_json_value) + "\n")
            output.seek(0)
            candidates_name = _store(output, "candidates.jsonl.gz")
        return {
            "rows_read": self.rows_read,
            "row_count": self.row_count,
            "error_rows": self.error_rows,
            "more_rows": self.more_rows and stop is None,
            "preview": self.preview,
            "accepted": stored,
            "candidates": candidates_name,
        }

    def finish(self, parts: list[dict]) -> None:
        """Joins the parts: the file-level problems, the duplicates over all accepted rows in file
        order, one file of accepted rows, the counts."""
        job = self.job
        for name in sorted(self.missing, key=[f.name for f in self.importer.fields].index):
            label = self.importer.label(self.importer.field(name))
            self.problems.append(
                {
                    "code": ImportProblem.MISSING_COLUMN,
                    "message": _(
                        "The required column “%(column)s” is missing: add it to the file, or match one of "
                        "the file's columns to it."
                    )
                    % {"column": label},
                }
            )
        if any(part["more_rows"] for part in parts):
            self.problems.append(
                {
                    "code": ImportProblem.TOO_MANY_ROWS,
                    "message": _("The file has more than %(limit)d rows; split it into smaller files.")
                    % {"limit": MAX_ROWS},
                }
            )
        self.rows_read = sum(part["rows_read"] for part in parts)
        self.row_count = sum(part["row_count"] for part in parts)
        self.error_rows = sum(part["error_rows"] for part in parts)
        self.preview = [row for part in parts for row in part["preview"]][:PREVIEW_ROWS]
        if self.report_progress:
            ImportJob.objects.filter(pk=job.pk).update(phase="duplicates", progress_done=self.rows_read)
        self.candidates = []
        for part in parts:
            with (
                default_storage.open(part["candidates"], "rb") as stored,
                gzip.open(stored, "rt", encoding="utf-8") as lines,
            ):
                self.candidates += [tuple(json.loads(line)) for line in lines]
            default_storage.delete(part["candidates"])
        self.find_duplicates()
        self.candidates = []
        if self.row_count == 0:
            self.problems.append(
                {"code": ImportProblem.NO_DATA, "message": _("The file has a header row but no data rows.")}
            )
        stored = _join([part["accepted"] for part in parts])
        preview_columns = [self.label_of(name) for name in self.preview_names()]
        ImportJob.objects.filter(pk=job.pk, status=Status.CHECKING).update(
            status=Status.CHECKED,
            checked_rows=stored,
            row_count=self.row_count,
            error_row_count=self.error_rows,
            duplicate_row_count=self.duplicate_rows,
            problems=self.problems,
            preview={"columns": preview_columns, "rows": self.preview},
            checked_at=timezone.now(),
            progress_done=self.rows_read,
            progress_total=self.rows_read,
            updated_at=timezone.now(),
        )

    def progress(self, done: int) -> None:
        """Adds `done` rows to the job's progress (parts running side by side add theirs)."""
        if self.report_progress:
            ImportJob.objects.filter(pk=self.job.pk).update(progress_done=F("progress_done") + done)

    # One batch

    def check_batch(self, batch: list, accepted) -> None:
        entries = [entry for number, values in batch if (entry := self.parse_row(number, values)) is not None]
        self.importer.prepare_batch([entry.record for entry in entries])
        for entry in entries:
            self.validate(entry)
        self.check_scope(entries)
        self.save_findings(entries)
        for entry in entries:
            if entry.errors:
                continue
            record, defaults = entry.record.__dict__, self.defaults
            values = {name: record[name] for name, default in defaults.items() if record[name] != default}
            accepted.write(json.dumps({"row": entry.number, "values": values}, default=_json_value) + "\n")
            if len(self.preview) < PREVIEW_ROWS:
                self.preview.append({"row": entry.number, "cells": self.preview_cells(entry.record)})
        self.progress(len(batch))

    def parse_row(self, number: int, values: list) -> Entry | None:
        texts = {f.name: reading.cell_text(values[p] if p < len(values) else None) for p, f in self.mapping.items()}
        if self.importer.is_example(texts, self.examples):
            return None
        self.row_count += 1
        parsed, errors = {}, []
        for position, import_field in self.mapping.items():
            text = texts[import_field.name]
            if not text:
                if import_field.required:
                    errors.append(
                        RowFinding(import_field, "", _("This required column is empty."), ImportProblem.REQUIRED)
                    )
                continue
            value = values[position] if position < len(values) else None
            try:
                parsed.update(self.importer.parse(import_field, value, text, self.context))
            except ValidationError as error:
                errors.append(RowFinding(import_field, text, *_messages(error)))
        if self.has_owner:
            parsed.setdefault("owner", self.actor)
            core_services._default_owner_department(self.model, parsed)
        record = self.importer.build(actor=self.actor, values=parsed)
        return Entry(number, record, texts, errors)

    def validate(self, entry: Entry) -> None:
        """The type's `prepare` hook, then the model's validation: what core's services run on
        every save, so that an imported record is exactly what a saved form would make."""
        if self.prepare is not None:
            try:
                self.prepare(entry.record)
            except ValidationError as error:
                self.add_errors(entry, error)
        # A field that nothing set still holds the model's default, which is valid by definition.
        attributes = entry.record.__dict__
        untouched = [name for attname, (name, default) in self.untouched.items() if attributes[attname] == default]
        try:
            entry.record.full_clean(
                exclude=NOT_VALIDATED + untouched, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self.add_errors(entry, error)

    def add_errors(self, entry: Entry, error: ValidationError) -> None:
        for name, errors in error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]:
            import_field = self.importer.field_for_target(name) if name else None
            if import_field is not None and (import_field.name in self.missing or entry.has_error_on(import_field)):
                continue  # already reported: the column is missing, or its cell was unreadable
            message, code = _messages(ValidationError(errors))
            if import_field is None and name and name != NON_FIELD_ERRORS:
                message = f"{self.label_of(name)}: {message}"
            text = entry.texts.get(import_field.name, "") if import_field else ""
            entry.errors.append(RowFinding(import_field, text, message, code))

    def check_scope(self, entries: list[Entry]) -> None:
        """No import creates a record its importer could not edit afterwards (DESIGN: the re-check
        after every write): for each owner the file names, one record is saved in a savepoint that
        is always rolled back, and the permission engine says whether it is within the edit scope."""
        if not self.has_owner:
            return
        for entry in entries:
            if entry.errors:
                continue
            key = (entry.record.owner_id, entry.record.owner_department_id)
            if key not in self.scope_answers:
                self.scope_answers[key] = _within_edit_scope(self.actor, entry.record, self.stored_fields)
            if not self.scope_answers[key]:
                owner_field = self.importer.field("owner")
                if entry.record.owner_id == self.actor.pk:
                    message = _("Your roles do not let you edit records you own, so you cannot import them.")
                else:
                    message = _(
                        "You may not create a record owned by %(owner)s: it would be outside what you may edit."
                    ) % {"owner": entry.record.owner}
                text = entry.texts.get("owner", "")
                entry.errors.append(RowFinding(owner_field, text, message, ImportProblem.OUT_OF_SCOPE))

    def save_findings(self, entries: list[Entry]) -> None:
        issues = []
        for entry in entries:
            if entry.errors:
                self.error_rows += 1
            else:
                summary = str(entry.record)[:200]
                self.candidates.append((entry.number, summary, self.importer.duplicate_row(entry.record)))
            for error in entry.errors:
                column = self.columns.get(error.field.name, self.importer.label(error.field)) if error.field else ""
                issues.append(
                    ImportIssue(
                        job_id=self.job.pk,
                        kind=ImportIssue.Kind.ERROR,
                        row_number=entry.number,
                        column=column[:200],
                        value=error.text[:200],
                        message=error.message,
                        code=error.code[:40],
                    )
                )
        ImportIssue.objects.bulk_create(issues, batch_size=INSERT_BATCH)

    def find_duplicates(self) -> None:
        """Possible duplicates of every accepted row, among existing records and among the file's
        earlier rows, in one pass over the whole file: the type's matcher asks the database once
        per kind of key and chunk of keys, not once per row."""
        if not self.candidates:
            return
        rows = [row for _number, _summary, row in self.candidates]
        found = self.importer.find_duplicates(org_id=self.job.org_id, rows=rows)
        del rows
        message = (
            _("This row may be a customer that already exists.")
            if self.importer.code == "customer"
            else _("This row may be a record that already exists.")
        )
        for start in range(0, len(found), DUPLICATE_CHUNK):
            chunk = [(index, found[index]) for index in range(start, min(start + DUPLICATE_CHUNK, len(found)))]
            stored = [match for _index, matches in chunk for match in matches if match.type != "row"]
            shown = iter(self.importer.matches_for_user(self.actor, stored) if stored else [])
            issues = []
            for index, matches in chunk:
                if not matches:
                    continue
                described = []
                for match in matches:
                    if match.type == "row":
                        described.append(
                            {
                                "type": "row",
                                "row": self.candidates[match.id][0],
                                "name": self.candidates[match.id][1],
                                "score": match.score,
                                "reasons": [str(reason) for reason in match.reasons],
                            }
                        )
                    else:
                        described.append(_json_safe(next(shown)))
                number, summary, _row = self.candidates[index]
                issues.append(
                    ImportIssue(
                        job_id=self.job.pk,
                        kind=ImportIssue.Kind.DUPLICATE,
                        row_number=number,
                        value=summary,
                        message=message,
                        code=ImportProblem.DUPLICATE,
                        matches=described,
                        decision=ImportIssue.Decision.SKIP,
                    )
                )
            self.duplicate_rows += len(issues)
            ImportIssue.objects.bulk_create(issues, batch_size=INSERT_BATCH)

    # Display

    def preview_names(self) -> list[str]:
        if self.importer.preview_fields:
            return list(self.importer.preview_fields)
        names = []
        for import_field in self.mapping.values():
            names += [t for t in self.importer.targets(import_field) if t not in names]
        return names

    def label_of(self, name: str) -> str:
        from django.utils.text import capfirst

        try:
            return capfirst(str(self.model._meta.get_field(name).verbose_name))
        except Exception:
            return name

    def preview_cells(self, record) -> list[str]:
        cells = []
        for name in self.preview_names():
            model_field = self.model._meta.get_field(name)
            if model_field.choices:
                value = record._get_FIELD_display(model_field)
            elif model_field.is_relation:
                value = getattr(record, name, None) or ""
            else:
                value = getattr(record, name)
            cells.append("" if value is None else str(value))
        return cells


def _store(output, suffix: str) -> str:
    return default_storage.save(f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}", File(output))


def _join(names: list[str]) -> str:
    """One file of the parts' gzip files, in order (gzip members may follow one another)."""
    if len(names) == 1:
        return names[0]
    with tempfile.TemporaryFile() as output:
        for name in names:
            with default_storage.open(name, "rb") as part:
                while chunk := part.read(1024 * 1024):
                    output.write(chunk)
        output.seek(0)
        joined = _store(output, "rows.jsonl.gz")
    for name in names:
        default_storage.delete(name)
    return joined


def _json_safe(value):
    """A match as the page will show it, with lazy translations and numbers made plain."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(value, 3)
    return str(value)


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value))


class _ProbeAnswer(Exception):
    def __init__(self, allowed: bool):
        self.allowed = allowed


def _within_edit_scope(actor, record, stored_fields) -> bool:
    model = type(record)
    probe = model(**{f.attname: getattr(record, f.attname) for f in stored_fields}, org_id=record.org_id)
    probe.created_by = actor
    try:
        with transaction.atomic():
            probe.save()
            raise _ProbeAnswer(model.objects.visible_to(actor, "edit").filter(pk=probe.pk).exists())
    except _ProbeAnswer as answer:
        return answer.allowed


# --- decisions and the commit ------------------------------------------------------------------------


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


class CommitRefused(Exception):
    pass


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


class _Committer:
    def __init__(self, job: ImportJob, *, report_progress: bool):
        self.job = job
        self.actor = type(job.created_by).objects.get(pk=job.created_by_id)
        self.importer = _importer(job)
        self.model = self.importer.model
        self.progress = _Progress(job.pk) if report_progress else None
        # JSON holds text, numbers, booleans and nulls; dates and decimals come back through their field.
        self.converters = {
            f.attname: f.to_python
            for f in self.model._meta.concrete_fields
            if isinstance(f, models.DateField | models.DecimalField | models.TimeField)
        }

    def run(self) -> None:
        job, actor = self.job, self.actor
        try:
            core_services.require_add(actor, self.model)
        except PermissionDenied as error:
            raise CommitRefused(_("You may no longer add records of this type; nothing was imported.")) from error
        duplicates = dict(
            job.issues.filter(kind=ImportIssue.Kind.DUPLICATE).values_list("row_number", "decision").iterator()
        )
        skip = {row for row, decision in duplicates.items() if decision == ImportIssue.Decision.SKIP}
        recheck = self.importer.changed_since_as_system(org_id=job.org_id, since=job.checked_at)
        reason = (_("Imported from %(file)s") % {"file": job.file_name})[:100]
        inserter = RowInserter(self.model, user_id=actor.pk, reason=reason)
        created = 0
        try:
            with transaction.atomic():
                for batch in self.batches():
                    rows = [values for number, values in batch if number not in skip]
                    if recheck:
                        self.refuse_new_duplicates([(n, v) for n, v in batch if n not in skip], duplicates)
                    for values in rows:
                        values["org_id"], values["created_by_id"] = job.org_id, actor.pk
                    ids = inserter.insert(rows)
                    if self.model.objects.visible_to(actor, "edit").filter(pk__in=ids).count() != len(ids):
                        raise CommitRefused(
                            _(
                                "Some rows would create records outside what you may edit, so nothing was imported. "
                                "Check the file again."
                            )
                        )
                    created += len(ids)
                    if self.progress:
                        self.progress.report(created, job.progress_total)
                ImportJob.objects.filter(pk=job.pk).update(
                    status=Status.DONE,
                    created_count=created,
                    skipped_count=len(skip),
                    committed_at=timezone.now(),
                    progress_done=created,
                    updated_at=timezone.now(),
                )
        finally:
            if self.progress:
                self.progress.close()
        name = job.checked_rows
        if name:
            default_storage.delete(name)
            ImportJob.objects.filter(pk=job.pk).update(checked_rows="")

    def batches(self):
        batch = []
        with (
            default_storage.open(self.job.checked_rows, "rb") as stored,
            gzip.open(stored, "rt", encoding="utf-8") as lines,
        ):
            for line in lines:
                row = json.loads(line)
                values = row["values"]
                for name in self.converters.keys() & values.keys():
                    values[name] = self.converters[name](values[name])
                batch.append((row["row"], values))
                if len(batch) >= self.importer.batch_size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def refuse_new_duplicates(self, batch, duplicates: dict) -> None:
        """Records saved since the check that match rows of this file stop the commit: the
        uploader decides about them first."""
        rows = [self.importer.duplicate_row(self.model(**values)) for _number, values in batch]
        found = self.importer.find_duplicates(org_id=self.job.org_id, rows=rows)
        new_rows = [
            number
            for (number, _record), matches in zip(batch, found, strict=True)
            if number not in duplicates and any(match.type != "row" for match in matches)
        ]
        if new_rows:
            raise CommitRefused(
                _(
                    "Since the check, records were saved that look like rows %(rows)s of this file. Nothing was "
                    "imported: check the file again to review them."
                )
                % {"rows": ", ".join(str(number) for number in new_rows[:20])}
            )


class _Progress:
    """The commit's progress, written where the polling page can read it while the commit's own
    transaction is still open: through a second connection on PostgreSQL. SQLite has a single
    writer, so there the page shows the commit as running without a percentage."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.side = None

    def report(self, done: int, total: int) -> None:
        if connection.vendor != "postgresql":
            return
        if self.side is None:
            self.side = connections.create_connection("default")
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET progress_done = %s, progress_total = %s WHERE id = %s",
                [done, max(done, total), self.job_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
