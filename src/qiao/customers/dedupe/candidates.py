"""Candidates from the database, by indexed keys only: the customers and open leads sharing a name
key, a code or a phone with the records checked, one query for a small key set and chunks of 500
for a batch, and the keys that index a batch's candidates. Scoring them is the caller's."""

import functools
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q

from .profiles import Profile, make_profile

if TYPE_CHECKING:  # the models import this module
    from ..models import Customer

LOOKUP_CHUNK = 500  # keys per IN (…) in batch look-ups


@dataclass(frozen=True)
class Candidate:
    type: str
    id: int
    name: str
    profile: Profile


CUSTOMER_COLUMNS = (
    "pk",
    "name",
    "phone",
    "mobile",
    "unified_social_credit_code",
    "province",
    "city",
    "district",
    "street",
)
LEAD_COLUMNS = ("pk", "name", "company", "phone", "province", "city", "district")


def customer_profile(row: Mapping) -> Profile:
    """A customer as the matcher sees it, from its CUSTOMER_COLUMNS (a `values()` row, or
    `customer_row` of a loaded record)."""
    return make_profile(
        name=row["name"],
        phones=(row["phone"], row["mobile"]),
        unified_social_credit_code=row["unified_social_credit_code"],
        province=row["province"],
        city=row["city"],
        district=row["district"],
        street=row["street"],
    )


def customer_row(customer: "Customer") -> dict:
    """A loaded customer as the `values(*CUSTOMER_COLUMNS)` row the matcher reads."""
    return {column: getattr(customer, column) for column in CUSTOMER_COLUMNS}


def _customer_candidate(row: dict) -> Candidate:
    return Candidate("customer", row["pk"], row["name"], customer_profile(row))


def _lead_candidate(row: dict) -> Candidate:
    company = row["company"] or row["name"]
    return Candidate(
        "lead",
        row["pk"],
        company if company == row["name"] else f"{company} ({row['name']})",
        make_profile(
            name=company,
            phones=(row["phone"],),
            province=row["province"],
            city=row["city"],
            district=row["district"],
        ),
    )


@dataclass
class LookupKeys:
    names: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # as stored: 138 1234 5678
    digits: set[str] = field(default_factory=set)

    def add(self, profile: Profile) -> None:
        if profile.company.core:
            self.names.update(key for kind, key in _profile_keys(profile) if kind == "name")
        if profile.uscc:
            self.codes.add(profile.uscc)
        self.phones.update(written for _digits, written in profile.phone_labels)
        self.digits.update(profile.phones)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    values = sorted(values)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


PHONE_SCAN_ABOVE = 2000  # more phones than this in one batch: read the organization's phones once instead


def _lookups(org_id: int, keys: LookupKeys, fields: dict[str, str]) -> list[Q]:
    """The look-ups of `keys` on the model's columns (`fields`: kind of key → column). A small key
    set is one query, the OR of indexed conditions, each carrying the organization so that it
    matches its (org, column) index on its own (PostgreSQL combines them with BitmapOr, SQLite
    with its OR-by-union plan); a batch asks one kind of key and one chunk of 500 at a time."""
    values_of = {"names": keys.names, "codes": keys.codes, "phones": keys.phones, "phones2": keys.phones}
    kinds = [(column, values_of[kind]) for kind, column in fields.items() if values_of[kind]]
    if not kinds:
        return []
    if sum(len(values) for _column, values in kinds) <= LOOKUP_CHUNK:
        terms = (Q(org_id=org_id, **{f"{column}__in": sorted(values)}) for column, values in kinds)
        return [functools.reduce(operator.or_, terms)]
    return [Q(org_id=org_id, **{f"{column}__in": chunk}) for column, values in kinds for chunk in _chunks(values)]


def _rows_by_keys(
    org_id: int, queryset, keys: LookupKeys, fields: dict[str, str], columns, phone_columns
) -> dict[int, dict]:
    rows: dict[int, dict] = {}
    if len(keys.phones) > PHONE_SCAN_ABOVE:
        # An import of thousands of rows: one pass over the organization's phone columns beats
        # thousands of look-ups of a column without an index (docs/dedupe.md).
        fields = {kind: column for kind, column in fields.items() if not kind.startswith("phones")}
        ids = set()
        for pk, *phones in queryset.values_list("pk", *phone_columns).iterator(chunk_size=10_000):
            if any(phone in keys.phones for phone in phones if phone):
                ids.add(pk)
        for chunk in _chunks(ids):
            for row in queryset.filter(pk__in=chunk).values(*columns):
                rows.setdefault(row["pk"], row)
    for lookup in _lookups(org_id, keys, fields):
        for row in queryset.filter(lookup).values(*columns):
            rows.setdefault(row["pk"], row)
    return rows


def _customer_rows(org_id: int, keys: LookupKeys) -> dict[int, dict]:
    from ..models import Customer

    fields = {"names": "name_key", "codes": "unified_social_credit_code", "phones": "phone", "phones2": "mobile"}
    return _rows_by_keys(
        org_id, Customer.objects.filter(org_id=org_id), keys, fields, CUSTOMER_COLUMNS, ("phone", "mobile")
    )


def _lead_rows(org_id: int, keys: LookupKeys) -> dict[int, dict]:
    from ..models import Lead, LeadStatus

    # Converted leads are their customer now; that one is matched instead.
    open_leads = Lead.objects.filter(org_id=org_id).exclude(status=LeadStatus.CONVERTED)
    return _rows_by_keys(org_id, open_leads, keys, {"names": "name_key", "phones": "phone"}, LEAD_COLUMNS, ("phone",))


def _candidates(org_id: int, keys: LookupKeys, types: Iterable[str]) -> list[Candidate]:
    candidates: list[Candidate] = []
    types = set(types)
    if "customer" in types:
        candidates += [_customer_candidate(row) for row in _customer_rows(org_id, keys).values()]
    if "lead" in types:
        candidates += [_lead_candidate(row) for row in _lead_rows(org_id, keys).values()]
    return candidates


def _index(candidates: Iterable[Candidate]) -> dict[tuple[str, str], list[Candidate]]:
    """Candidates by each of their keys, to find a row's candidates among a batch's."""
    index: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        for key in _profile_keys(candidate.profile):
            index[key].append(candidate)
    return index


def _profile_keys(profile: Profile) -> list[tuple[str, str]]:
    keys = []
    if profile.company.core:
        keys.append(("name", profile.company.key))
        if variant := profile.company.district_variant:
            branch = profile.company.branch
            keys.append(("name", f"{variant[0]}#{branch}" if branch else variant[0]))
    if profile.uscc:
        keys.append(("code", profile.uscc))
    keys += [("phone", digits) for digits in profile.phones]
    return keys
