"""Migration operations every main object's app uses."""

from django.db import migrations


def relation_table_indexes(table: str, record_column: str) -> list[migrations.RunSQL]:
    """Indexes on a main object's two many-to-many relation tables that let the permission
    engine read "the records related to these departments / this employee" from the index alone
    (bench/permissions). Django creates the tables itself, so the indexes are plain SQL; the same
    statement works on SQLite and PostgreSQL."""
    operations = []
    for relation, target_column in (("related_departments", "department_id"), ("related_users", "user_id")):
        name = f"{table}_{relation}_by_target"
        operations.append(
            migrations.RunSQL(
                f"CREATE INDEX {name} ON {table}_{relation} ({target_column}, {record_column})",
                f"DROP INDEX {name}",
            )
        )
    return operations
