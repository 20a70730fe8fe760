"""Reads of the customer archive that are more than a filter: the one search (CUS-6) behind the
list page's search box, the API's `?search=` and any other search box, and the facet counts of
the list (CUS-4). Every function takes a queryset that already comes from `visible_to`, so a
search can never find, and a count never includes, a customer the user cannot open (PERM-3).

How a search reads (docs/customers.md): the text is split at spaces into terms, and a customer
matches when every term matches one of
- its name, short name, full pinyin or pinyin initials of the name ("hzxh" finds 杭州西湖…),
  unified social credit code or address, as a substring, letters in any case;
- its phone digits, when the term is a run of at least four digits ("5678", "138-1234");
- the name, pinyin or (four digits or more) phone of one of its contacts;
- the name of one of its tags.
A text made only of digits and phone punctuation ("138 1234 5678", "(0571) 8888-6666") is one
phone term, not several.

Speed on PostgreSQL (migration 0004_search_indexes): a term is looked up in an index, so that the
planner can collect the few customers it matches and only then test the user's scope, instead of
walking every customer of the organization:
- a term with Chinese characters (two or more) through a GIN index of the character pairs
  (bigrams) of name, short name and address — `qiao_bigrams(text) @> qiao_bigrams(term)` narrows
  the rows, the `LIKE` confirms; Chinese words are mostly two characters, which trigrams miss;
- any other term (pinyin, initials, codes, digits, three characters or more) through pg_trgm
  indexes on the searched text and on the phone digits;
- contacts and tags as `id = ANY(ARRAY(…))`, index lookups that combine with the above.
The expressions here and in the migration must stay the same (a test checks it)."""

import datetime as dt
import re
import unicodedata
from functools import reduce
from operator import and_

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    Q,
    Value,
)
from django.db.models.functions import Lower

from qiao.core.permissions.condition import IdIn, IdInList, piecewise, scope_pieces

from . import chinese
from .models import Contact, Customer, Tag, choices

MAX_TERMS = 6
MAX_TERM_LENGTH = 60
MIN_PHONE_DIGITS = 4
PHONE_TEXT = re.compile(r"^[\d\s+\-()（）]+$")


class SearchText(Func):
    """`LOWER(a || ' ' || b || …)`: the columns a term may hit, as one text. The migration indexes
    these very expressions, so they must stay in step with 0004_search_indexes."""

    function = "LOWER"
    arg_joiner = " || ' ' || "
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()


class BigramsContain(Expression):
    """`qiao_bigrams(text) @> qiao_bigrams(term)` (PostgreSQL): every pair of adjacent characters
    of the term occurs in the text — what the bigram GIN index answers. Necessary, not sufficient:
    the caller adds the `LIKE`."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, text, term: str):
        super().__init__()
        self.text, self.term = text, Value(term)

    def get_source_expressions(self):
        return [self.text, self.term]

    def set_source_expressions(self, expressions):
        self.text, self.term = expressions

    def as_sql(self, compiler, connection):
        text_sql, text_params = compiler.compile(self.text)
        term_sql, term_params = compiler.compile(self.term)
        return f"qiao_bigrams({text_sql}) @> qiao_bigrams({term_sql})", (*text_params, *term_params)


CUSTOMER_SEARCH_COLUMNS = (
    "name",
    "short_name",
    "name_pinyin",
    "name_initials",
    "unified_social_credit_code",
    "address",
)
CUSTOMER_WORDS_COLUMNS = ("name", "short_name", "address")  # where Chinese text can be
CONTACT_SEARCH_COLUMNS = ("name", "name_pinyin")


def customer_search_text() -> SearchText:
    return SearchText(*CUSTOMER_SEARCH_COLUMNS)


def customer_words_text() -> SearchText:
    return SearchText(*CUSTOMER_WORDS_COLUMNS)


def contact_search_text() -> SearchText:
    return SearchText(*CONTACT_SEARCH_COLUMNS)


def search_terms(text: str | None) -> list[str]:
    """The terms of a search text: full-width forms folded (ＡＢＣ → abc, １３８ → 138), lower case,
    split at spaces; a text that is only a phone number is one term of its digits."""
    text = unicodedata.normalize("NFKC", (text or "").replace("\x00", " ")).strip()
    if not text:
        return []
    if PHONE_TEXT.match(text) and len(chinese.digits(text)) >= MIN_PHONE_DIGITS:
        return [chinese.digits(text)]
    terms = []
    for term in text.lower().split():
        term = term[:MAX_TERM_LENGTH]
        # A term such as 138-1234 or (0571)8888 is a phone number written with punctuation.
        if PHONE_TEXT.match(term) and len(chinese.digits(term)) >= MIN_PHONE_DIGITS:
            term = chinese.digits(term)
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _is_phone_term(term: str) -> bool:
    return term.isascii() and term.isdigit() and len(term) >= MIN_PHONE_DIGITS


def _words_condition(text, term: str) -> Q:
    """`text` contains `term` — through the bigram index on PostgreSQL for two characters or more."""
    contains = Q(**{f"{text}__contains": term})
    if connection.vendor != "postgresql" or len(term) < 2:
        return contains
    pairs = Q(BigramsContain(_ALIASES[text](), term))
    if len(term) == 2:
        # The one pair is the term itself: the index answers exactly, and the planner estimates
        # from the pairs' statistics alone (with a LIKE beside it, it would multiply the two).
        return pairs
    # LIKE first: where a row is tested rather than found through the index, the cheap test runs
    # first and the pairs are computed only for the rows it lets through.
    return contains & pairs


_ALIASES = {"words_text": customer_words_text, "contact_name": lambda: Lower("name")}


def term_condition(term: str, org_id: int) -> Q:
    """The customers (of organization `org_id`) one term finds, as one condition. A term with
    characters outside ASCII can only be in the name, short name or address (pinyin, initials and
    codes are ASCII) and in a contact's name."""
    contacts = Contact.objects.filter(org_id=org_id, deleted_at__isnull=True)
    if term.isascii():
        condition = Q(search_text__contains=term)
        contact_condition = Q(search_text__contains=term)
        if _is_phone_term(term):
            condition |= Q(phone_digits__contains=term)
            contact_condition |= Q(phone_digits__contains=term)
        contacts = contacts.alias(search_text=contact_search_text())
    else:
        condition = _words_condition("words_text", term)
        contact_condition = _words_condition("contact_name", term)
        contacts = contacts.alias(contact_name=Lower("name"))
    condition |= Q(IdIn("pk", contacts.filter(contact_condition).order_by().values("customer_id")))
    tags = Tag.objects.filter(org_id=org_id, name__icontains=term).values("pk")
    tagged = Customer.tags.through.objects.filter(tag_id__in=tags).values("customer_id")
    condition |= Q(IdIn("pk", tagged))
    return condition


def search(queryset, text: str | None, *, org_id: int):
    """The customers of `queryset` (from `visible_to`) that `text` finds (CUS-6). The order of
    `queryset` is kept: the newest first unless the caller sorts otherwise. `org_id` is the
    searching user's organization; contacts and tags are looked up in it only."""
    terms = search_terms(text)
    if not terms:
        return queryset
    condition = reduce(and_, [term_condition(term, org_id) for term in terms])
    # Only PostgreSQL has search indexes to find the candidates with; on SQLite collecting them
    # reads every customer of the organization, while the scope's own indexes lead to the few the
    # user may see, each then tested against the terms (bench/permissions, SQLite).
    candidates = _candidate_ids_as_system(org_id, condition) if connection.vendor == "postgresql" else None
    if candidates is not None:
        return queryset.filter(IdInList("pk", candidates))
    queryset = queryset.alias(search_text=customer_search_text(), words_text=customer_words_text())
    return queryset.filter(condition)


# A search that matches at most this many of the organization's customers is answered from their
# ids; one that matches more is dense enough for the scope's own indexes to meet matches quickly.
CANDIDATE_LIMIT = 5000


def _candidate_ids_as_system(org_id: int, condition: Q) -> list[int] | None:
    """The ids of the organization's live customers that `condition` finds, if there are at most
    CANDIDATE_LIMIT; otherwise None (PostgreSQL). Only ever used to narrow a queryset that comes from
    `visible_to`, never shown. Why: with the search and the scope in one query, PostgreSQL guesses
    how many rows a substring matches, and a wrong guess made it look up each of a department's
    eleven thousand related customers to test the text (300 ms) instead of testing the scope of the
    thousand the search index found (measured at 1,000,000 customers). Known ids leave nothing to
    guess."""
    matches = Customer.objects.filter(org_id=org_id, deleted_at__isnull=True).alias(
        search_text=customer_search_text(), words_text=customer_words_text()
    )
    limited = matches.filter(condition).order_by().values_list("pk", flat=True)[: CANDIDATE_LIMIT + 1]
    # As one array: thousands of ids read row by row cost more than the search itself.
    sql, params = limited.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(array_agg(pk), '{{}}') FROM ({sql}) AS limited", params)
        ids = cursor.fetchone()[0]
    return ids if len(ids) <= CANDIDATE_LIMIT else None


# --- A page of search results -----------------------------------------------------------------------


def _newest_first():
    """Newest first — on PostgreSQL through an expression no index provides, so that the planner
    collects a search's matches (from the search indexes, or the user's own records) and sorts
    them, instead of walking the organization's newest-first index and hoping to meet 25 matches
    soon: estimates of substring matches are too rough for that bet, which lost by seconds for a
    rare term (docs/customers.md)."""
    if connection.vendor == "postgresql":
        created = ExpressionWrapper(F("created_at") + Value(dt.timedelta(0)), output_field=DateTimeField())
        return [created.desc(), F("pk").desc()]
    return ["-created_at", "-pk"]


def page_ids(queryset, stop: int) -> list[int]:
    """The ids of the first `stop` customers of `queryset` (a search within `visible_to`), newest
    first. With a scope of several relations (own, department, related …) each relation's share
    is read on its own — the pieces the engine counts with (core/permissions/condition.py) — and
    the pieces merged, so that each read is driven by one relation's index or the search's."""
    rows = queryset.order_by().values_list("created_at", "pk")
    if scope_pieces(rows.query) is None:
        return list(queryset.order_by(*_newest_first()).values_list("pk", flat=True)[:stop])
    merged = []
    for piece in piecewise(rows.order_by(*_newest_first())):
        merged += piece[:stop]
    merged.sort(reverse=True)
    return [pk for _created_at, pk in merged[:stop]]


class SearchResults:
    """The customers a search finds, newest first, as a sequence that paginators (Django's, DRF's,
    django-tables2's) slice: the count from the engine's piecewise count, a page from `page_ids`
    and one query for the page's rows (with the queryset's select_related / prefetch_related)."""

    ordered = True

    def __init__(self, queryset):
        self.queryset = queryset
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        ids = page_ids(self.queryset, stop)[start:]
        rows = {row.pk: row for row in self.queryset.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def __iter__(self):
        return iter(self[0 : self.count()])


# --- Facets (CUS-4) --------------------------------------------------------------------------------

FACET_FIELDS = choices.CLASSIFICATION_FIELDS


def facet_counts(queryset, field: str) -> list[dict]:
    """How many customers of `queryset` (visible and filtered) fall in each class of `field`, one
    grouped query: `[{"value", "label", "count"}]` in the order of the choices, then "not set"."""
    if field not in FACET_FIELDS:
        raise ValueError(field)
    counts = dict(queryset.order_by().values_list(field).annotate(count=Count("pk")).values_list(field, "count"))
    choices = Customer._meta.get_field(field).choices
    rows = [{"value": value, "label": label, "count": counts.get(value, 0)} for value, label in choices]
    if counts.get(""):
        rows.append({"value": "", "label": None, "count": counts[""]})
    return rows
