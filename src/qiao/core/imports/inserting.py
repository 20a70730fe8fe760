"""Inserting many new records with their history rows (CUS-7 commit, CUS-11 history), inside the
caller's transaction.

`bulk_create_with_history` (django-simple-history) builds a model instance per record and a
historical instance per record, and Django then prepares every cell for a multi-row INSERT: for
100,000 customers of some seventy columns that is about fourteen million Python calls, most of
the commit's time (bench/imports). Here the rows stay plain tuples: on PostgreSQL they go in
with `COPY` (the ids drawn from the table's sequence first, so the history rows and the scope
re-check know them), on SQLite with one prepared INSERT run by `executemany` (the ids following
the table's AUTOINCREMENT sequence, under the write lock the transaction already holds). Other
databases use `bulk_create_with_history`. The history rows are what simple-history writes for a
created record: every tracked field, type "+", the acting user, the date and a change reason."""

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

PLAIN = (str, int, float, bool, type(None))


class RowInserter:
    """Inserts rows given as {attname: value} (missing fields take their defaults) of `model`."""

    def __init__(self, model, *, user_id: int, reason: str):
        self.model = model
        self.user_id = user_id
        self.reason = reason
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.timestamps = {
            f.attname for f in self.fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        }
        self.history_model = get_history_manager_for_model(model).model
        self.history_fields = [f for f in self.history_model._meta.concrete_fields if not f.primary_key]

    def insert(self, rows: list[dict]) -> list[int]:
        """Inserts the rows and their history rows; returns the new ids in the rows' order."""
        if not rows:
            return []
        now = timezone.now()
        self.now_values = {f.attname: self._value(f, now) for f in self.fields if f.attname in self.timestamps}
        self.history_now = self._value(self.history_model._meta.get_field("history_date"), now)
        if connection.vendor == "postgresql":
            return self._copy(rows, now)
        if connection.vendor == "sqlite":
            return self._executemany(rows, now)
        return self._bulk_create(rows, now)

    # --- the values ------------------------------------------------------------------------------

    def _value(self, field, value):
        if isinstance(value, PLAIN):
            return value
        return field.get_db_prep_save(value, connection)

    def _record_values(self, row: dict, now) -> list:
        values = []
        for field in self.fields:
            name = field.attname
            if name in self.timestamps:
                values.append(self.now_values[name])
            else:
                values.append(self._value(field, row.get(name, self.defaults[name])))
        return values

    def _history_values(self, pk: int, record: dict, now) -> list:
        values = []
        for field in self.history_fields:
            name = field.attname
            if name == "id":
                value = pk
            elif name == "history_date":
                value = self.history_now
            elif name == "history_change_reason":
                value = self.reason
            elif name == "history_type":
                value = "+"
            elif name == "history_user_id":
                value = self.user_id
            else:
                value = record.get(name)
            values.append(value if isinstance(value, PLAIN) else field.get_db_prep_save(value, connection))
        return values

    # --- PostgreSQL --------------------------------------------------------------------------------

    def _copy(self, rows: list[dict], now) -> list[int]:
        table = self.model._meta.db_table
        pk_column = self.model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, len(rows)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
            columns = [pk_column] + [f.column for f in self.fields]
            history = []
            with cursor.copy(f"COPY {_quoted(table)} ({', '.join(map(_quoted, columns))}) FROM STDIN") as copy:
                for pk, row in zip(ids, rows, strict=True):
                    values = self._record_values(row, now)
                    copy.write_row([pk, *values])
                    history.append((pk, dict(zip((f.attname for f in self.fields), values, strict=True))))
            history_table = self.history_model._meta.db_table
            history_columns = ", ".join(_quoted(f.column) for f in self.history_fields)
            with cursor.copy(f"COPY {_quoted(history_table)} ({history_columns}) FROM STDIN") as copy:
                for pk, record in history:
                    copy.write_row(self._history_values(pk, record, now))
        return ids

    # --- SQLite ------------------------------------------------------------------------------------

    def _executemany(self, rows: list[dict], now) -> list[int]:
        table = self.model._meta.db_table
        pk_column = self.model._meta.pk.column
        with connection.cursor() as cursor:
            # The transaction holds SQLite's write lock (BEGIN IMMEDIATE), so nobody else takes ids
            # meanwhile; AUTOINCREMENT never reuses an id, hence the sequence as well as MAX.
            cursor.execute(f"SELECT MAX({_quoted(pk_column)}) FROM {_quoted(table)}")
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            sequence = cursor.fetchone()
            first = max(highest, sequence[0] if sequence else 0) + 1
            ids = list(range(first, first + len(rows)))
            columns = [pk_column] + [f.column for f in self.fields]
            records = [[pk, *self._record_values(row, now)] for pk, row in zip(ids, rows, strict=True)]
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {_quoted(table)} ({', '.join(map(_quoted, columns))}) VALUES ({placeholders})", records
            )
            names = [f.attname for f in self.fields]
            history = [
                self._history_values(values[0], dict(zip(names, values[1:], strict=True)), now) for values in records
            ]
            history_table = self.history_model._meta.db_table
            history_columns = [f.column for f in self.history_fields]
            cursor.executemany(
                f"INSERT INTO {_quoted(history_table)} ({', '.join(map(_quoted, history_columns))}) "
                f"VALUES ({', '.join(['%s'] * len(history_columns))})",
                history,
            )
        return ids

    # --- anything else ------------------------------------------------------------------------------

    def _bulk_create(self, rows: list[dict], now) -> list[int]:
        records = [self.model(**row) for row in rows]
        bulk_create_with_history(
            records, self.model, batch_size=500, default_user=_user(self.user_id), default_change_reason=self.reason
        )
        return [record.pk for record in records]


def _user(pk: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)
