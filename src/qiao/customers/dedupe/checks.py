"""The interface: the duplicate check of one record (`find_duplicates_as_system`, customers, leads
and the registered sources) or of a batch (`match_many_as_system`, the import preview), its
candidates scored and ranked best first."""

from collections import defaultdict
from collections.abc import Iterable

from .candidates import Candidate, LookupKeys, _candidates, _index, _profile_keys
from .profiles import Profile, make_profile
from .scoring import DuplicateMatch, is_duplicate, score_pair
from .sources import TYPES, _match_sources


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
