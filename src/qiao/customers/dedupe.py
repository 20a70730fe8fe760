"""Duplicate detection (CUS-8, shared with OPP-3 and LEAD-4): which existing records the system
holds to be the same customer as a new one, with a score and the reasons.

One matcher serves every caller: customer creation and editing, the import preview (a batch of
100,000 rows at once), the lead capture form, opportunity registration, and the scan of the whole
database for clusters. The evidence, each normalized the way the stored keys are (customers/
chinese/):

- the unified social credit code: the same code is the same legal entity; two different codes are
  two entities (a branch office has its own);
- the phone numbers (national form, 138 1234 5678); a shared 400/800 hotline counts little;
- the company name taken apart into region, core, legal form and branch: the same core is the same
  company unless the regions say another city or one of them is a branch office; a homophone
  (same pinyin), an abbreviation or a close spelling is supporting evidence only;
- the same street address, as supporting evidence.

The functions here are `*_as_system`: a duplicate check must see across the permission scopes, or
two reps would register the same shop without knowing (OPP-3). Callers show the user only what
they may see (`matches_for_user`): a match the user cannot open is reported as a clash with its
owner's name, never with its data (PERM-3).

Candidates come from indexed look-ups only: Customer (org, name_key) and (org, unified_social_
credit_code), and equality on the stored normalized phone and mobile (docs/dedupe.md proposes the
two indexes that make those lookups indexed too); scoring runs in Python on the few candidates."""

import functools
import math
import operator
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from . import chinese
from .chinese import CompanyName, parse_company_name

if TYPE_CHECKING:  # the models import this module
    from .models import Customer

DUPLICATE_THRESHOLD = 0.8  # a match at or above this is "the same customer"
TYPES = ("customer", "lead")
LOOKUP_CHUNK = 500  # keys per IN (…) in batch look-ups
HOTLINE_PREFIXES = ("400", "800")  # nationwide service numbers, shared by every branch of a company

# The weight of each kind of evidence when combined (1 − Π(1 − weight)).
PHONE_WEIGHT = 0.85
PHONE_WEIGHT_NAMES_DIFFER = 0.6  # a shared phone when the names clearly differ: the same boss, two shops?
HOTLINE_WEIGHT = 0.3
STREET_WEIGHT = 0.5
CONFLICT_CAP = 0.55  # another city, another branch: never the same customer on name and phone alone
USCC_CONFLICT_CAP = 0.3


@dataclass(frozen=True)
class DuplicateMatch:
    type: str  # "customer", "lead", a registered source's type (e.g. "opportunity"); "row" in a batch
    id: int
    name: str
    score: float  # 0..1
    reasons: list[str] = field(default_factory=list, hash=False, compare=False)  # translated, human-readable


# ---------------------------------------------------------------------------------------------
# What the matcher knows about one record


@dataclass(frozen=True)
class Profile:
    name: str
    company: CompanyName
    phones: frozenset[str]  # digits, for comparing
    phone_labels: tuple[tuple[str, str], ...]  # digits → the number as people write it
    uscc: str
    places: frozenset[str]  # adcode prefixes from the name and the address
    street: str

    @property
    def strong_phones(self) -> frozenset[str]:
        return frozenset(phone for phone in self.phones if not phone.startswith(HOTLINE_PREFIXES))

    def phone_label(self, digits: str) -> str:
        return dict(self.phone_labels).get(digits, digits)


def _phone_forms(*phones: str, written_already: bool = False) -> tuple[tuple[str, str], ...]:
    forms = []
    for phone in phones:
        if not phone:
            continue
        written = phone if written_already else (chinese.normalize_phone(phone) or phone.strip())
        digits = chinese.digits(written)
        if len(digits) >= 7:
            forms.append((digits, written))
    return tuple(dict.fromkeys(forms))


def _street_key(street: str) -> str:
    text = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", street or "")).lower()
    return text if len(text) >= 4 else ""


def make_profile(
    *,
    name: str = "",
    phones: Iterable[str] = (),
    unified_social_credit_code: str = "",
    address: str = "",
    province: str = "",
    city: str = "",
    district: str = "",
    street: str = "",
    phones_written: bool = False,
) -> Profile:
    """A record as the matcher sees it. Without province or city the free-text address is parsed
    (offline, cpca) to find them. `phones_written`: the phones are already in their written form
    (records prepared for saving), so they need not be parsed again."""
    if address and not (province or city):
        parsed = chinese.parse_address(address)
        province, city, district, street = parsed.province, parsed.city, parsed.district, parsed.street
    company = parse_company_name(" ".join((name or "").split()))
    forms = _phone_forms(*phones, written_already=phones_written)
    return Profile(
        name=" ".join((name or "").split()),
        company=company,
        phones=frozenset(digits for digits, _written in forms),
        phone_labels=forms,
        uscc=chinese.normalize_uscc(unified_social_credit_code),
        places=company.places | chinese.places_of(province, city, district),
        street=_street_key(street),
    )


# ---------------------------------------------------------------------------------------------
# Comparing two names and two records


@dataclass(frozen=True)
class NameComparison:
    similarity: float  # 0..1; below 0.5 counts as "the names differ"
    reason: str = ""  # translated
    conflict: str = ""  # translated; set when the names say these are different companies


def _pinyin(text: str) -> str:
    return chinese.pinyin_keys(text)[0]


def _is_subsequence(short: str, long: str) -> bool:
    position = 0
    for character in short:
        position = long.find(character, position) + 1
        if position == 0:
            return False
    return True


def compare_names(first: Profile, second: Profile) -> NameComparison:
    a, b = first.company, second.company
    if not a.core or not b.core:
        return NameComparison(0.0)
    shown = {"first": first.name, "second": second.name}
    if a.branch != b.branch:
        if a.branch and b.branch:
            conflict = _("Different branch offices: %(first)s, %(second)s") % shown
        else:
            conflict = _("A branch office and its head office: %(first)s, %(second)s") % shown
        return NameComparison(0.0, conflict=conflict)
    if not chinese.places_compatible(first.places, second.places):
        return NameComparison(0.0, conflict=_("Different cities or regions: %(first)s, %(second)s") % shown)

    def similar(similarity: float, description: str) -> NameComparison:
        reason = _("Company name %(first)s ≈ %(second)s (%(score).2f)") % {**shown, "score": similarity}
        return NameComparison(similarity, f"{reason}: {description}" if description else reason)

    if a.text == b.text:
        return NameComparison(1.0, _("Same company name %(name)s") % {"name": first.name})
    if a.core == b.core:
        return similar(0.97, _("the same name without region, legal form or punctuation"))
    for one, other, other_places in ((a, b, second.places), (b, a, first.places)):
        variant = one.district_variant
        if variant and variant[0] == other.core:
            districts = frozenset(region.code for region in variant[1])
            if any(chinese.places_compatible(frozenset({code}), other_places) for code in districts):
                return similar(0.9, _("the same name, one with its district"))
    latin_a, latin_b = a.core.isascii(), b.core.isascii()
    if latin_a != latin_b:  # one of them typed in pinyin
        typed, written = (a.core, b.core) if latin_a else (b.core, a.core)
        full, initials = chinese.pinyin_keys(written)
        if typed == full:
            return similar(0.75, _("the same name in pinyin"))
        if typed == initials and len(typed) >= 3:
            return similar(0.55, _("the initials of the name"))
        return NameComparison(0.0)
    if len(a.core) == len(b.core) and _pinyin(a.core) == _pinyin(b.core):
        return similar(0.7, _("the same pronunciation, different characters"))
    shorter, longer = sorted((a.core, b.core), key=len)
    if longer.startswith(shorter) and chinese.is_industry_only(longer[len(shorter) :]):
        return similar(0.75, _("one name is the other without its industry"))
    ratio = fuzz.ratio(a.core, b.core) / 100
    if ratio >= 0.9 and len(shorter) >= 8:
        return similar(0.85, _("nearly the same spelling"))
    long_text = b.text if shorter == a.core else a.text
    if len(shorter) >= 2 and shorter[0] in long_text[:4] and _is_subsequence(shorter, long_text) and len(longer) >= 4:
        return similar(0.5, _("one name may abbreviate the other"))
    return NameComparison(ratio * 0.5)


def score_pair(first: Profile, second: Profile) -> tuple[float, list[str]]:
    """How sure the system is that two records are the same customer (0..1), and why."""
    reasons: list[str] = []
    if first.uscc and first.uscc == second.uscc:
        reasons.append(_("Same unified social credit code"))
        names = compare_names(first, second)
        if names.reason:
            reasons.append(names.reason)
        return 1.0, reasons
    names = compare_names(first, second)
    evidence: list[float] = []
    if names.similarity >= 0.5:
        evidence.append(names.similarity)
        reasons.append(names.reason)
    shared = first.phones & second.phones
    strong = shared & first.strong_phones
    if strong:
        names_differ = bool(first.company.core and second.company.core) and names.similarity < 0.5
        evidence.append(PHONE_WEIGHT_NAMES_DIFFER if names_differ else PHONE_WEIGHT)
        for digits in sorted(strong):
            reasons.append(_("Same phone %(phone)s") % {"phone": first.phone_label(digits)})
    elif shared:
        evidence.append(HOTLINE_WEIGHT)
        for digits in sorted(shared):
            reasons.append(_("Same service hotline %(phone)s") % {"phone": first.phone_label(digits)})
    if first.street and first.street == second.street:
        evidence.append(STREET_WEIGHT)
        reasons.append(_("Same address"))
    score = 1 - math.prod(1 - weight for weight in evidence)
    if names.conflict:
        score = min(score, CONFLICT_CAP)
        reasons.append(names.conflict)
    if first.uscc and second.uscc:
        score = min(score, USCC_CONFLICT_CAP)
        reasons.append(_("Different unified social credit codes"))
    return round(score, 3), reasons


def is_duplicate(score: float) -> bool:
    return score >= DUPLICATE_THRESHOLD


# ---------------------------------------------------------------------------------------------
# Candidates from the database, by indexed keys only


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
    from .models import Customer

    fields = {"names": "name_key", "codes": "unified_social_credit_code", "phones": "phone", "phones2": "mobile"}
    return _rows_by_keys(
        org_id, Customer.objects.filter(org_id=org_id), keys, fields, CUSTOMER_COLUMNS, ("phone", "mobile")
    )


def _lead_rows(org_id: int, keys: LookupKeys) -> dict[int, dict]:
    from .models import Lead, LeadStatus

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


def _ranked(query: Profile, candidates: Iterable[Candidate], limit: int) -> list[DuplicateMatch]:
    matches = []
    seen = set()
    for candidate in candidates:
        if (candidate.type, candidate.id) in seen:
            continue
        seen.add((candidate.type, candidate.id))
        score, reasons = score_pair(query, candidate.profile)
        if is_duplicate(score):
            matches.append(DuplicateMatch(candidate.type, candidate.id, candidate.name, score, reasons))
    matches.sort(key=lambda match: (-match.score, match.type, match.id))
    return matches[:limit]


# ---------------------------------------------------------------------------------------------
# The interface


# ---------------------------------------------------------------------------------------------
# Record types later modules add (OPP-3)


@dataclass(frozen=True)
class MatchSource:
    """A kind of record kept by a later module that holds a customer too, so that the duplicate check
    (API-5's `duplicates/check/`) reports it beside customers and leads without this app importing
    that module: sales registers its open opportunity registrations (type "opportunity") from its
    AppConfig.ready().

    `find(*, org_id, name, phone, mobile, unified_social_credit_code, address, exclude, limit)` answers
    the matching records as `DuplicateMatch`es of `type`, best first, across permission scopes;
    `model()` returns the model (with `objects.visible_to(user)` and an `owner`), looked up only when
    called, so that registering imports nothing."""

    type: str
    find: Callable[..., list["DuplicateMatch"]]
    model: Callable[[], type]


_match_sources: dict[str, MatchSource] = {}


def register_match_source(source: MatchSource) -> None:
    if source.type in TYPES:
        raise ValueError(f"{source.type!r} is one of this app's own types")
    _match_sources[source.type] = source


def match_types() -> tuple[str, ...]:
    """Every type the check can search: customers, leads and the registered sources."""
    return (*TYPES, *_match_sources)


def _models_by_type() -> dict[str, type]:
    from .models import Customer, Lead

    return {"customer": Customer, "lead": Lead, **{kind: source.model() for kind, source in _match_sources.items()}}


def find_duplicates_as_system(
    *,
    org_id: int,
    name: str = "",
    phone: str = "",
    mobile: str = "",
    unified_social_credit_code: str = "",
    address: str = "",
    exclude: Iterable[tuple[str, int]] = (),
    types: Iterable[str] = TYPES,
    limit: int = 10,
) -> list[DuplicateMatch]:
    """The records of the organization the system holds to be the same customer, best first.
    Sees every record of the organization whatever the caller's scope: show the result through
    `matches_for_user`."""
    query = make_profile(
        name=name, phones=(phone, mobile), unified_social_credit_code=unified_social_credit_code, address=address
    )
    keys = LookupKeys()
    keys.add(query)
    types = tuple(types)
    excluded = {(kind, int(pk)) for kind, pk in exclude}
    candidates = [c for c in _candidates(org_id, keys, types) if (c.type, c.id) not in excluded]
    matches = _ranked(query, candidates, limit)
    sources = [source for kind, source in _match_sources.items() if kind in types]
    if not sources:
        return matches
    for source in sources:
        matches += source.find(
            org_id=org_id,
            name=name,
            phone=phone,
            mobile=mobile,
            unified_social_credit_code=unified_social_credit_code,
            address=address,
            exclude=[(kind, pk) for kind, pk in excluded if kind == source.type],
            limit=limit,
        )
    matches.sort(key=lambda match: (-match.score, match.type, match.id))
    return matches[:limit]


def _row_profile(row: dict) -> Profile:
    return make_profile(
        name=row.get("name") or "",
        phones=(row.get("phone") or "", row.get("mobile") or ""),
        unified_social_credit_code=row.get("unified_social_credit_code") or "",
        address=row.get("address") or "",
        province=row.get("province") or "",
        city=row.get("city") or "",
        district=row.get("district") or "",
        street=row.get("street") or "",
        phones_written=True,
    )


def match_many_as_system(
    *, org_id: int, rows: list[dict], types: Iterable[str] = ("customer",), limit: int = 10
) -> list[list[DuplicateMatch]]:
    """For each row as prepared for saving (name, phone and mobile in their written form,
    unified_social_credit_code, address or province/city/district/street), its duplicates among
    the organization's records and among the earlier rows of the same batch (type "row", id = the
    row's index). The database is asked once per kind of key and chunk of 500 keys, not once per
    row, so an import of 100,000 rows costs a few hundred indexed queries."""
    profiles = [_row_profile(row) for row in rows]
    keys = LookupKeys()
    for profile in profiles:
        keys.add(profile)
    stored = _index(_candidates(org_id, keys, types))
    earlier: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    results = []
    for number, profile in enumerate(profiles):
        candidates = []
        profile_keys = _profile_keys(profile)
        for key in profile_keys:
            candidates += stored.get(key, ())
            candidates += earlier.get(key, ())
        results.append(_ranked(profile, candidates, limit))
        row = Candidate("row", number, profile.name, profile)
        for key in profile_keys:
            earlier[key].append(row)
    return results


# ---------------------------------------------------------------------------------------------
# Showing matches to a user (PERM-3)


def owner_names_as_system(matches: Iterable[DuplicateMatch]) -> dict[tuple[str, int], str]:
    """The owner's full name of each matched record ('' for the public pool): all a user learns
    about a match they may not open."""
    matches = list(matches)
    names = {}
    for kind, model in _models_by_type().items():
        ids = [match.id for match in matches if match.type == kind]
        if not ids:
            continue
        for pk, full_name in model.objects.filter(pk__in=ids).values_list("pk", "owner__full_name"):
            names[(kind, pk)] = full_name or ""
    return names


def _visible_ids(user, matches: list[DuplicateMatch]) -> set[tuple[str, int]]:
    visible = set()
    for kind, model in _models_by_type().items():
        ids = [match.id for match in matches if match.type == kind]
        if ids:
            visible |= {
                (kind, pk) for pk in model.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
            }
    return visible


def matches_for_user(user, matches: list[DuplicateMatch]) -> list[dict]:
    """The matches as `user` may see them: in full when they can open the record; otherwise only
    that a clash exists and whose record it is (id and name empty, no data in the reasons)."""
    visible = _visible_ids(user, matches)
    hidden = [match for match in matches if (match.type, match.id) not in visible]
    owners = owner_names_as_system(hidden) if hidden else {}
    shown = []
    for match in matches:
        if (match.type, match.id) in visible:
            shown.append(
                {
                    "type": match.type,
                    "id": match.id,
                    "name": match.name,
                    "score": match.score,
                    "reasons": list(match.reasons),
                    "visible": True,
                }
            )
            continue
        owner = owners.get((match.type, match.id), "")
        reason = (
            _("Matches a record you cannot see; its owner is %(owner)s.") % {"owner": owner}
            if owner
            else _("Matches a record you cannot see, in the public pool.")
        )
        shown.append(
            {
                "type": match.type,
                "id": None,
                "name": "",
                "score": match.score,
                "reasons": [reason],
                "visible": False,
                "owner": owner,
            }
        )
    return shown


@dataclass
class DuplicateReport:
    """The duplicate check's matches as `matches_for_user` shows them to one employee: in full when
    they may open the record, otherwise only that it clashes and whose it is (PERM-3). What every
    page shows (customers/_duplicate_matches.html) and what a refused save carries."""

    matches: list[dict] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.matches)

    @property
    def visible(self) -> list[dict]:
        return [match for match in self.matches if match["visible"]]

    @property
    def hidden(self) -> list[dict]:
        return [match for match in self.matches if not match["visible"]]


# ---------------------------------------------------------------------------------------------
# The whole database: clusters of duplicates for review (CUS-8)

BLOCK_LIMIT = 60  # a key shared by more records is split by city before comparing pairs


@dataclass
class DuplicateCluster:
    ids: list[int]  # customers, oldest first
    score: float  # the best pair's score
    pairs: list[tuple[int, int, float, list[str]]]  # (id, id, score, reasons) of the matching pairs


def _scan_rows(org_id: int):
    from .models import Customer

    return Customer.objects.filter(org_id=org_id).order_by("pk").values(*CUSTOMER_COLUMNS).iterator(chunk_size=5000)


def _city_of(profile: Profile) -> str:
    cities = sorted(code[:4] for code in profile.places if len(code) >= 4)
    return cities[0] if cities else ""


def duplicate_clusters_as_system(org_id: int, *, threshold: float = DUPLICATE_THRESHOLD) -> list[DuplicateCluster]:
    """Every group of live customers of the organization that the matcher holds to be one
    customer, the surest first. Records are blocked by name key, code and phone (the only ways two
    records reach the threshold); a block larger than BLOCK_LIMIT (a common name across the
    country, a chain's hotline) is compared within each city only."""
    profiles: dict[int, Profile] = {}
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in _scan_rows(org_id):
        candidate = _customer_candidate(row)
        profiles[candidate.id] = candidate.profile
        for key in _profile_keys(candidate.profile):
            if key[0] == "phone" and key[1].startswith(HOTLINE_PREFIXES):
                continue  # a shared hotline never reaches the threshold on its own
            blocks[key].append(candidate.id)

    parent: dict[int, int] = {}

    def root(pk: int) -> int:
        while parent.get(pk, pk) != pk:
            parent[pk] = parent.get(parent[pk], parent[pk])
            pk = parent[pk]
        return pk

    scored: dict[tuple[int, int], tuple[float, list[str]]] = {}
    for members in blocks.values():
        if len(members) < 2:
            continue
        groups = [members]
        if len(members) > BLOCK_LIMIT:
            by_city: dict[str, list[int]] = defaultdict(list)
            for pk in members:
                by_city[_city_of(profiles[pk])].append(pk)
            groups = [group[:BLOCK_LIMIT] for group in by_city.values()]
        for group in groups:
            for index, first in enumerate(group):
                for second in group[index + 1 :]:
                    pair = (first, second)
                    if pair in scored:
                        continue
                    scored[pair] = score_pair(profiles[first], profiles[second])
                    if scored[pair][0] >= threshold:
                        parent[root(second)] = root(first)

    clusters: dict[int, DuplicateCluster] = {}
    for (first, second), (score, reasons) in scored.items():
        if score < threshold:
            continue
        cluster = clusters.setdefault(root(first), DuplicateCluster([], 0.0, []))
        cluster.pairs.append((first, second, score, reasons))
        cluster.score = max(cluster.score, score)
    for cluster in clusters.values():
        cluster.ids = sorted({pk for first, second, *_ in cluster.pairs for pk in (first, second)})
    return sorted(clusters.values(), key=lambda cluster: (-cluster.score, cluster.ids[0]))


def rekey_as_system(org_id: int | None = None, *, batch_size: int = 2000) -> int:
    """Recomputes the stored name keys (Customer.name_key, Lead.name_key) after the normalization
    of company names changed (customers/chinese/company_names.py), so that look-ups by key find what the current
    rules hold to be the same name. Returns the number of records changed. Run it from a data
    migration or the shell; it writes only the keys (no history entry, no version change)."""
    from .models import Customer, Lead

    changed = 0
    for model, name_of in ((Customer, lambda row: row["name"]), (Lead, lambda row: row["company"] or row["name"])):
        queryset = model.all_objects.all() if org_id is None else model.all_objects.filter(org_id=org_id)
        columns = ["pk", "name", "name_key"] + (["company"] if model is Lead else [])
        updates = []
        for row in queryset.order_by("pk").values(*columns).iterator(chunk_size=batch_size):
            key = chinese.company_name_key(name_of(row))
            if key != row["name_key"]:
                updates.append(model(pk=row["pk"], name_key=key))
            if len(updates) >= batch_size:
                model.all_objects.bulk_update(updates, ["name_key"])
                changed += len(updates)
                updates = []
        if updates:
            model.all_objects.bulk_update(updates, ["name_key"])
            changed += len(updates)
    return changed
