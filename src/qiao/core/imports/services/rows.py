"""The dry run's checks of one batch of rows: each row parsed into an unsaved record, the type's
`prepare` hook and model validation, the edit-scope probe, and the findings stored."""

import json
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.models import ImportIssue

from .. import reading
from ..definition import ImportField
from ..problems import ImportProblem
from .common import INSERT_BATCH, PREVIEW_ROWS
from .storage import _json_value

NOT_VALIDATED = ["org", "version", "deleted_at", "deleted_by", "created_by", "creator", "owner", "owner_department"]


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


class _BatchChecks:
    """The part of `_Checker` (checker.py) that checks one batch of rows."""

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
