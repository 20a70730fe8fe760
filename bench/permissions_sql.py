"""bench/permissions: the hand-written queries the API is measured against — what an expert would
write for the first page of a user's customers (count and page) and for the search box, without the
permission engine (bench/README.md, "The hand-written query"). Imported once Django is set up."""

from django.db import connection

from qiao.org.models import User

IS_POSTGRES = connection.vendor == "postgresql"
PAGE_SIZE = 50


def relation_branches(scope: str, user: User, subtree_prefix: str, columns: str) -> list[tuple[str, list]]:
    """One SELECT per relation through which the scope reaches records (PERM-2), each already
    limited to the organization's live customers, so that every branch is one indexed lookup and
    nothing has to be joined back to the whole table afterwards."""
    live, org = "c.org_id = %s AND c.deleted_at IS NULL", user.org_id
    subtree = "SELECT id FROM org_department WHERE path LIKE %s"
    owned = (f"SELECT {columns} FROM customers_customer c WHERE {live} AND c.owner_id = %s", [org, user.pk])
    # The many-to-many branches join the relation table; DISTINCT keeps a customer related to two
    # departments of the subtree one row, so that each branch's newest 50 are 50 customers. (The
    # `c.id IN (SELECT …)` spelling of the same thing made PostgreSQL walk the newest index with a
    # parallel semi-join, four times slower at 1,000,000 rows.)
    related = (
        f"SELECT DISTINCT {columns} FROM customers_customer c"
        f" JOIN customers_customer_related_users r ON r.customer_id = c.id WHERE {live} AND r.user_id = %s",
        [org, user.pk],
    )
    in_department = (
        f"SELECT {columns} FROM customers_customer c WHERE {live} AND c.owner_department_id = %s",
        [org, user.department_id],
    )
    in_subtree = (
        f"SELECT {columns} FROM customers_customer c WHERE {live} AND c.owner_department_id IN ({subtree})",
        [org, subtree_prefix + "%"],
    )
    related_to_subtree = (
        f"SELECT DISTINCT {columns} FROM customers_customer c"
        f" JOIN customers_customer_related_departments r ON r.customer_id = c.id"
        f" WHERE {live} AND r.department_id IN ({subtree})",
        [org, subtree_prefix + "%"],
    )
    everything = (f"SELECT {columns} FROM customers_customer c WHERE {live}", [org])
    return {
        "owner": [owned],
        "related_employee": [owned, related],
        "owner_department": [owned, related, in_department],
        "related_department": [owned, related, in_subtree, related_to_subtree],
        "all": [everything],
    }[scope]


def relation_conditions(scope: str, user: User, subtree_prefix: str) -> list[tuple[str, list]]:
    """The scope's relations as conditions on a customer `c`, the ones that reach most records
    first. A relation through a many-to-many table looks up the related ids (on PostgreSQL as an
    array, which the planner answers with one index probe per id)."""
    subtree = "SELECT id FROM org_department WHERE path LIKE %s"

    def ids_in(select: str) -> str:
        return f"c.id = ANY(ARRAY({select}))" if IS_POSTGRES else f"c.id IN ({select})"

    owned = ("c.owner_id = %s", [user.pk])
    related = (ids_in("SELECT customer_id FROM customers_customer_related_users WHERE user_id = %s"), [user.pk])
    in_department = ("c.owner_department_id = %s", [user.department_id])
    in_subtree = (f"c.owner_department_id IN ({subtree})", [subtree_prefix + "%"])
    related_to_subtree = (
        ids_in(f"SELECT customer_id FROM customers_customer_related_departments WHERE department_id IN ({subtree})"),
        [subtree_prefix + "%"],
    )
    return {
        "owner": [owned],
        "related_employee": [owned, related],
        "owner_department": [in_department, owned, related],
        "related_department": [in_subtree, related_to_subtree, owned, related],
        "all": [("TRUE", [])],
    }[scope]


def hand_written_queries(scope: str, user: User, subtree_prefix: str) -> tuple[tuple[str, list], tuple[str, list]]:
    """(count, page) for the first page of `user`'s customers, newest first.

    The count adds up disjoint pieces, one per relation: "reached through this relation and through
    none of the ones before", each driven by its own index (a record reached twice counts once,
    and nothing hashes or sorts everything the user can see). The page takes the newest 50 of each
    branch — each an index walk or a small top-N sort — and keeps the newest 50 of those: the
    textbook answer to "ORDER BY … LIMIT over an OR of relations"."""
    conditions = relation_conditions(scope, user, subtree_prefix)
    live, org = "c.org_id = %s AND c.deleted_at IS NULL", user.org_id
    pieces, count_params = [], []
    for number, (condition, params) in enumerate(conditions):
        earlier = conditions[:number]
        if IS_POSTGRES and scope == "related_department" and number == 1:
            # Related to the subtree, owned outside it: on PostgreSQL the relation rows carry their
            # customer's organization, owner department and liveness (related_department_facts).
            subtree = "SELECT id FROM org_department WHERE path LIKE %s"
            pieces.append(
                "(SELECT COUNT(DISTINCT customer_id) FROM customers_customer_related_departments"
                f" WHERE record_live AND record_org_id = %s AND department_id IN ({subtree})"
                f" AND NOT COALESCE(record_owner_department_id IN ({subtree}), false))"
            )
            count_params += [org, subtree_prefix + "%", subtree_prefix + "%"]
            continue
        # COALESCE: a NULL owner department is "not in the subtree", not unknown.
        excluded = "".join(f" AND NOT COALESCE({sql}, false)" for sql, _ in earlier)
        pieces.append(f"(SELECT COUNT(*) FROM customers_customer c WHERE {live} AND {condition}{excluded})")
        count_params += [org, *params, *(value for _, earlier_params in earlier for value in earlier_params)]
    count = ("SELECT " + " + ".join(pieces), count_params)
    newest = "ORDER BY created_at DESC, id DESC"
    branches = relation_branches(scope, user, subtree_prefix, "c.id, c.created_at")
    candidates = " UNION ".join(  # a record reached by two branches is one candidate
        f"SELECT id, created_at FROM ({sql} ORDER BY c.created_at DESC, c.id DESC LIMIT {PAGE_SIZE}) AS branch{number}"
        for number, (sql, _) in enumerate(branches, start=1)
    )
    if IS_POSTGRES:
        related_users = "ARRAY(SELECT user_id FROM customers_customer_related_users WHERE customer_id = p.id)"
        related_departments = (
            "ARRAY(SELECT department_id FROM customers_customer_related_departments WHERE customer_id = p.id)"
        )
        tag_names = (
            "ARRAY(SELECT g.name FROM customers_customer_tags t JOIN customers_tag g ON g.id = t.tag_id"
            " WHERE t.customer_id = p.id ORDER BY g.name)"
        )
    else:
        related_users = "(SELECT group_concat(user_id) FROM customers_customer_related_users WHERE customer_id = p.id)"
        related_departments = (
            "(SELECT group_concat(department_id) FROM customers_customer_related_departments WHERE customer_id = p.id)"
        )
        tag_names = (
            "(SELECT group_concat(g.name) FROM customers_customer_tags t JOIN customers_tag g ON g.id = t.tag_id"
            " WHERE t.customer_id = p.id)"
        )
    # The same data the API returns: every column of the customer (the API writes them all), and
    # the related ids and tag names of these 50 rows only.
    page = (
        f"""
        SELECT p.*, {related_users}, {related_departments}, {tag_names}
        FROM customers_customer p
        WHERE p.id IN (SELECT id FROM ({candidates}) AS candidates {newest} LIMIT {PAGE_SIZE})
        ORDER BY p.created_at DESC, p.id DESC
        """,
        [value for _, params in branches for value in params],
    )
    return count, page


SEARCH_TEXT = (
    "lower(name || ' ' || short_name || ' ' || name_pinyin || ' ' || name_initials || ' ' || "
    "unified_social_credit_code || ' ' || address)"
)
SEARCH_WORDS = "lower(name || ' ' || short_name || ' ' || address)"  # where Chinese text can be


def search_queries(scope: str, user: User, subtree_prefix: str, term: str) -> tuple[tuple[str, list], tuple[str, list]]:
    """(count, page) of `user`'s customers that the search box finds for `term` (CUS-6: name,
    pinyin, initials, code or address contain it; for a run of digits also the phones; or a
    contact or a tag matches), written by hand: the organization's customers the term finds,
    collected once (on PostgreSQL through the search indexes of migration 0004: the character
    pairs for Chinese, trigrams otherwise, in a MATERIALIZED CTE so that the planner cannot mix
    them with the scope), then the scope's relations tested on those, newest first."""
    pattern = f"%{term}%"
    digits_only = term.isdigit() and len(term) >= 4
    if IS_POSTGRES and not term.isascii():
        text = f"qiao_bigrams({SEARCH_WORDS}) @> qiao_bigrams(%s) AND {SEARCH_WORDS} LIKE %s"
        contact_text = "qiao_bigrams(lower(name)) @> qiao_bigrams(%s) AND lower(name) LIKE %s"
        text_params = [term, pattern]
    else:
        text, contact_text, text_params = (
            f"{SEARCH_TEXT} LIKE %s",
            "lower(name || ' ' || name_pinyin) LIKE %s",
            [pattern],
        )
    phone = " OR phone_digits LIKE %s" if digits_only else ""
    phone_params = [pattern] if digits_only else []
    # Contacts and tags as id look-ups the planner can OR with the text's index (BitmapOr); as
    # `id IN (SELECT …)` it would test every customer of the organization instead.
    ids_in = "id = ANY(ARRAY({}))" if IS_POSTGRES else "id IN ({})"
    contacts = ids_in.format(
        "SELECT customer_id FROM customers_contact WHERE org_id = %s AND deleted_at IS NULL"
        f" AND (({contact_text}){phone})"
    )
    tags = ids_in.format(
        "SELECT t.customer_id FROM customers_customer_tags t JOIN customers_tag g ON g.id = t.tag_id"
        " WHERE g.org_id = %s AND lower(g.name) LIKE %s"
    )
    found = (
        "SELECT id, created_at, owner_id, owner_department_id FROM customers_customer"
        f" WHERE org_id = %s AND deleted_at IS NULL AND (({text}){phone} OR {contacts} OR {tags})"
    )
    found_params = [user.org_id, *text_params, *phone_params, user.org_id, *text_params, *phone_params]
    found_params += [user.org_id, pattern]
    materialized = "MATERIALIZED " if IS_POSTGRES else ""
    relations = relation_conditions(scope, user, subtree_prefix)
    relation_sql = " OR ".join(f"({sql})" for sql, _ in relations)
    params = [*found_params, *(value for _, values in relations for value in values)]
    found_cte = f"WITH found AS {materialized}({found})"
    count = (f"{found_cte} SELECT COUNT(*) FROM found c WHERE {relation_sql}", params)
    page = (
        f"{found_cte} SELECT c.id, c.created_at FROM found c WHERE {relation_sql}"
        f" ORDER BY c.created_at DESC, c.id DESC LIMIT {PAGE_SIZE}",
        params,
    )
    return count, page


def run_hand_written(queries) -> tuple[int, list[tuple]]:
    (count_sql, count_params), (page_sql, page_params) = queries
    with connection.cursor() as cursor:
        cursor.execute(count_sql, count_params)
        (total,) = cursor.fetchone()
        cursor.execute(page_sql, page_params)
        return total, cursor.fetchall()


def run_query(query) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return cursor.fetchall()
