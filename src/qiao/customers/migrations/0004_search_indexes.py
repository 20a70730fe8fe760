"""Indexes for the customer search (CUS-6, customers/queries.py) on PostgreSQL.

A search term is a substring of a few expressions. Two kinds of GIN index answer that:
- pg_trgm on the searched text and the phone digits: any term of three characters or more;
- a GIN index of the text's pairs of adjacent characters, `qiao_bigrams(text)`, for Chinese:
  most Chinese words are two characters long (西湖, 超市, 张伟), which trigrams cannot look up.
  `qiao_bigrams(text) @> qiao_bigrams(term)` finds the rows that hold every pair of the term;
  the query's `LIKE` then confirms them.
The indexed expressions must stay exactly those of customers/queries.py (a test checks it). All
indexes are partial (live rows only), like the search. SQLite needs none at its sizes; the
migration does nothing there. No model field changes."""

from django.db import migrations

CUSTOMER_TEXT = (
    "LOWER(name || ' ' || short_name || ' ' || name_pinyin || ' ' || name_initials"
    " || ' ' || unified_social_credit_code || ' ' || address)"
)
CUSTOMER_WORDS = "LOWER(name || ' ' || short_name || ' ' || address)"
CONTACT_TEXT = "LOWER(name || ' ' || name_pinyin)"
CONTACT_NAME = "LOWER(name)"

BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION qiao_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 500 AS $$
    SELECT coalesce(array_agg(DISTINCT pair), '{}')
    FROM (SELECT substr($1, i, 2) AS pair FROM generate_series(1, char_length($1) - 1) AS i) AS pairs
    WHERE pair !~ '\s'
$$
"""

INDEXES = [
    ("customers_customer_search_trgm", "customers_customer", f"({CUSTOMER_TEXT}) gin_trgm_ops"),
    ("customers_customer_phone_trgm", "customers_customer", "phone_digits gin_trgm_ops"),
    ("customers_customer_words_bigrams", "customers_customer", f"qiao_bigrams({CUSTOMER_WORDS})"),
    ("customers_contact_search_trgm", "customers_contact", f"({CONTACT_TEXT}) gin_trgm_ops"),
    ("customers_contact_phone_trgm", "customers_contact", "phone_digits gin_trgm_ops"),
    ("customers_contact_name_bigrams", "customers_contact", f"qiao_bigrams({CONTACT_NAME})"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(BIGRAMS_FUNCTION)
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression}) WHERE deleted_at IS NULL"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS qiao_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_full_archive_leads_pool")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
