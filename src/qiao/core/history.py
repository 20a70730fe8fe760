"""Changing many records of one model at once, with the history a `save()` of each would write
(CUS-11, NFR-3): one history row per record with the changed values and the reason, and the
snapshot of its tracked many-to-many relations (related employees and departments, tags), which
django-simple-history's own `bulk_update_with_history` leaves out. A `save()` per record costs
about ten queries (the update, the history row, a read and a write per relation); this costs a
handful per chunk of records, so that handing over an employee's thousands of customers (ORG-6)
takes a second instead of a minute."""

from django.db.models import F
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model, get_m2m_field_name

CHUNK = 500  # records per UPDATE … WHERE id IN (…): within every database's parameter limit


def update_with_history(model, records: list, changes: dict, *, user, reason: str) -> None:
    """Sets `changes` (field name → value, the same for every record) on `records`, which the
    caller has locked, with their version (NFR-2) and update time moved on as a save moves them.
    Runs inside the caller's transaction."""
    now = timezone.now()
    history = get_history_manager_for_model(model)
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        model._base_manager.filter(pk__in=[record.pk for record in chunk]).update(
            **changes, version=F("version") + 1, updated_at=now
        )
        for record in chunk:
            for name, value in changes.items():
                setattr(record, name, value)
            record.version += 1
            record.updated_at = now
        rows = history.bulk_history_create(
            chunk, update=True, default_user=user, default_change_reason=reason, default_date=now
        )
        _snapshot_relations(history.model, {record.pk: row.history_id for record, row in zip(chunk, rows, strict=True)})


def record_relations_in_history(model, records: list) -> None:
    """Adds to each record's newest history row the snapshot of its relations as they are now:
    for records created in bulk and linked afterwards (the demo), whose first later save would
    otherwise show every related employee and tag as added by it."""
    history_model = get_history_manager_for_model(model).model
    pk_column = model._meta.pk.attname
    for start in range(0, len(records), CHUNK):
        rows = history_model.objects.filter(
            **{f"{pk_column}__in": [record.pk for record in records[start : start + CHUNK]]}
        )
        # Ascending, so that each record's newest row is the one left in the dict.
        _snapshot_relations(history_model, dict(rows.order_by("history_id").values_list(pk_column, "history_id")))


def _snapshot_relations(history_model, history_of_record: dict) -> None:
    """For each record id → the id of one of its history rows: the rows of each tracked
    many-to-many table of the record, as simple-history's `create_historical_record_m2ms` stores
    them for one save."""
    for field in history_model._history_m2m_fields:
        snapshot_model = getattr(history_model, field.name).model
        through = field.remote_field.through
        record_column = through._meta.get_field(get_m2m_field_name(field)).attname
        columns = [column.attname for column in through._meta.fields]
        links = through.objects.filter(**{f"{record_column}__in": list(history_of_record)}).values_list(*columns)
        snapshot_model.objects.bulk_create(
            snapshot_model(
                history_id=history_of_record[values[columns.index(record_column)]],
                **dict(zip(columns, values, strict=True)),
            )
            for values in links
        )
