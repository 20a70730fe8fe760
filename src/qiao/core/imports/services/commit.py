"""The all-or-nothing commit: the checked rows read back and bulk-created with their history rows
in one transaction, each batch re-checked against the importer's edit scope."""

import gzip
import json

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.models import ImportIssue, ImportJob

from ..inserting import RowInserter
from .common import Status, _importer


class CommitRefused(Exception):
    pass


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
