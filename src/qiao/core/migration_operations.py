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


def related_department_facts(table: str, record_column: str) -> list[migrations.RunPython]:
    """On PostgreSQL, copies of each record's organization, owner department and liveness on the
    rows of its related-departments table, kept true by two triggers: the row takes them from its
    record when it is written, and a record passes its new values on to its rows when it changes
    (whatever writes it: the ORM, a bulk update, an import's COPY, the recycle bin). With them the
    permission engine counts "records related to these departments and owned outside them" from
    that table's index alone, instead of looking up every related record (related_department at
    1,000,000 customers: 21–35 ms → 2 ms for that piece; docs/benchmarks.md,
    permissions/engine.py `RelatedDepartmentsOwnedElsewhere`). SQLite has no such columns: its
    schema editor rebuilds a table to alter it, dropping triggers on the way, and its lists pass
    their targets without them."""
    links = f"{table}_related_departments"
    statements = [
        f"ALTER TABLE {links} ADD COLUMN record_org_id bigint, ADD COLUMN record_owner_department_id bigint,"
        " ADD COLUMN record_live boolean NOT NULL DEFAULT false",
        f"UPDATE {links} link SET record_org_id = record.org_id, record_owner_department_id ="
        f" record.owner_department_id, record_live = record.deleted_at IS NULL FROM {table} record"
        f" WHERE record.id = link.{record_column}",
        f"CREATE INDEX {links}_facts ON {links} (record_org_id, department_id, record_owner_department_id,"
        f" {record_column}) WHERE record_live",
        f"""CREATE FUNCTION {links}_take_facts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            SELECT record.org_id, record.owner_department_id, record.deleted_at IS NULL
              INTO NEW.record_org_id, NEW.record_owner_department_id, NEW.record_live
              FROM {table} record WHERE record.id = NEW.{record_column};
            RETURN NEW;
        END $$""",
        f"CREATE TRIGGER {links}_take_facts BEFORE INSERT OR UPDATE OF {record_column} ON {links}"
        f" FOR EACH ROW EXECUTE FUNCTION {links}_take_facts()",
        f"""CREATE FUNCTION {table}_give_facts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {links} SET record_org_id = NEW.org_id, record_owner_department_id = NEW.owner_department_id,
                   record_live = NEW.deleted_at IS NULL
             WHERE {record_column} = NEW.id;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {table}_give_facts AFTER UPDATE OF org_id, owner_department_id, deleted_at ON {table}"
        " FOR EACH ROW WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id"
        " OR OLD.owner_department_id IS DISTINCT FROM NEW.owner_department_id"
        " OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))"
        f" EXECUTE FUNCTION {table}_give_facts()",
    ]
    reverse = [
        f"DROP TRIGGER {table}_give_facts ON {table}",
        f"DROP FUNCTION {table}_give_facts()",
        f"DROP TRIGGER {links}_take_facts ON {links}",
        f"DROP FUNCTION {links}_take_facts()",
        f"ALTER TABLE {links} DROP COLUMN record_org_id, DROP COLUMN record_owner_department_id,"
        " DROP COLUMN record_live",
    ]

    def run(sql_statements):
        def on_postgres(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for sql in sql_statements:
                    schema_editor.execute(sql, params=None)

        return on_postgres

    return [migrations.RunPython(run(statements), run(reverse))]
