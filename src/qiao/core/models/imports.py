"""Spreadsheet imports (CUS-7), written once for every object type that defines an importer
(core/imports): the uploaded file, the column mapping, the dry run's findings and the commit.

An import job belongs to the employee who uploaded the file and is seen by nobody else: its file
may hold records the employee is about to create, and its findings name rows of that file."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def import_upload_path(job, filename: str) -> str:
    """A random, unguessable name; the user's file name is kept in the row, never in the path."""
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{job.file_format or 'upload'}"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The employee's own jobs in their organization; nobody else's, whatever their roles."""
        if not (user.is_authenticated and user.is_active and user.org_id):
            return self.none()
        return self.filter(org_id=user.org_id, created_by_id=user.pk)


class ImportJob(models.Model):
    class Status(models.TextChoices):
        MAPPING = "mapping", _("Choose the columns")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        COMMITTING = "committing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    RUNNING = (Status.CHECKING, Status.COMMITTING)

    org = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    type_code = models.CharField(_("object type"), max_length=40)
    # The language of the uploader's page: the worker writes every message in it.
    language = models.CharField(_("language"), max_length=16, default=settings.LANGUAGE_CODE)

    file = models.FileField(_("file"), upload_to=import_upload_path, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("file format"), max_length=8)  # "xlsx" or "csv"
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)  # CSV only
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True)  # CSV only
    headers = models.JSONField(_("column headers"), default=list)
    samples = models.JSONField(_("sample rows"), default=list)
    estimated_rows = models.PositiveIntegerField(_("estimated rows"), default=0)
    # Column position (as text, JSON keys are strings) → the import field it fills.
    mapping = models.JSONField(_("column mapping"), default=dict)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.MAPPING)
    task_id = models.CharField(max_length=64, blank=True)
    phase = models.CharField(max_length=12, blank=True)  # "reading", "duplicates" or "saving"
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    # The dry run's findings
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_row_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    duplicate_row_count = models.PositiveIntegerField(_("possible duplicates"), default=0)
    problems = models.JSONField(_("problems with the whole file"), default=list)
    preview = models.JSONField(_("preview"), default=list)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    # The normalized rows the dry run accepted, for the commit (storage name, removed afterwards).
    checked_rows = models.CharField(max_length=200, blank=True)

    # The commit
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    skipped_count = models.PositiveIntegerField(_("duplicates skipped"), default=0)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "created_by", "-created_at"], name="core_import_job_owner")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.CHECKED and not self.problems and not self.error_row_count


class ImportIssue(models.Model):
    """One finding of the dry run about one row: an error (the row cannot be imported as it is)
    or a possible duplicate, which the uploader skips or imports anyway."""

    class Kind(models.TextChoices):
        ERROR = "error", _("Error")
        DUPLICATE = "duplicate", _("Possible duplicate")

    class Decision(models.TextChoices):
        SKIP = "skip", _("Skip")
        IMPORT = "import", _("Import anyway")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    row_number = models.PositiveIntegerField(_("row"))  # as the spreadsheet numbers it, header = 1
    column = models.CharField(_("column"), max_length=200, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    message = models.TextField(_("problem"))
    code = models.CharField(_("error code"), max_length=40, blank=True)
    # For duplicates: [{"type", "id", "name" (only when the uploader can see it), "score", "reasons"}]
    # or {"type": "row", "row": n, "reasons"} for an earlier row of the same file.
    matches = models.JSONField(_("matches"), default=list, blank=True)
    decision = models.CharField(
        _("decision"), max_length=8, choices=Decision.choices, default=Decision.SKIP, blank=True
    )

    class Meta:
        verbose_name = _("import finding")
        verbose_name_plural = _("import findings")
        ordering = ["row_number", "pk"]
        indexes = [models.Index(fields=["job", "kind", "row_number"], name="core_import_issue_row")]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"
