"""Comparing two names and two records: how sure the system is that two profiles are the same
customer (0..1) and why, the weight of each kind of evidence, and the threshold above which a
match (`DuplicateMatch`) is reported."""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from .. import chinese
from .profiles import Profile

DUPLICATE_THRESHOLD = 0.8  # a match at or above this is "the same customer"

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
