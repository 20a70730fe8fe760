"""The dry run of one file (or one range of its rows): reads it a batch at a time, stores the
rows it accepts, then joins the parts, looks for duplicates and records what it found. The
checks of each batch are in rows.py, the duplicate search in duplicates.py."""

import gzip
import json
import tempfile

from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from qiao.core.models import ImportJob
from qiao.core.permissions import object_type

from .. import reading
from ..definition import EmployeeDirectory, ParseContext
from ..problems import ImportProblem
from .common import PREVIEW_ROWS, Status, _fail, _importer
from .duplicates import _DuplicateSearch
from .rows import _BatchChecks
from .storage import _join, _json_value, _store
from .upload import missing_columns

MAX_ROWS = 200_000
# Not read from the file: set by the commit, or bookkeeping of the shared services.
NOT_STORED = {"id", "org", "version", "created_at", "updated_at", "deleted_at", "deleted_by", "created_by"}


class _Checker(_BatchChecks, _DuplicateSearch):
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
