"""Duplicate registration (撞单, OPP-3): which existing customers, leads and open opportunities a
registration names again, and which of those make it fail.

The customers and leads come from the shared matcher (customers/dedupe/, CUS-8). The open
opportunities — the registrations that still hold their customer: submitted, returned or
registered — are matched here with the same profile and scoring (`dedupe.make_profile`,
`dedupe.score_pair`), from two indexed keys kept on every opportunity: the company-name key and the
phone digits (customers/chinese/).

A match is a clash when the matched record belongs to someone else: another owner's customer, lead
or registration. A match with a record of the registration's own owner is their own customer (a
second deal with it is no clash); a customer in the public pool has no owner to protect.

Everything here sees across permission scopes (`*_as_system`): two reps must not register the same
shop without knowing. What a user is shown of it goes through `matches_for_user`."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from qiao.customers import chinese, dedupe

from .models import PROTECTING_STATUSES, Opportunity

MATCH_LIMIT = 10


def registration_keys(*, customer_name: str, phone: str) -> tuple[str, str]:
    """(name key, phone digits) stored on an opportunity, normalized as the matcher normalizes."""
    return chinese.company_name_key(customer_name or ""), chinese.digits(phone or "")[:32]


def find_opportunities_as_system(
    *,
    org_id: int,
    name: str = "",
    phone: str = "",
    mobile: str = "",
    exclude: Iterable[tuple[str, int]] = (),
    limit: int = MATCH_LIMIT,
    **_other_fields,
) -> list[dedupe.DuplicateMatch]:
    """The registrations of the organization that still hold a customer (submitted, returned,
    registered) and name the same customer, best first. Same arguments and answer as
    `dedupe.find_duplicates_as_system`, with type "opportunity"."""
    query = dedupe.make_profile(name=name, phones=(phone, mobile))
    lookups = Q()
    if query.company.core:
        lookups |= Q(name_key=query.company.key)
    if query.phones:
        lookups |= Q(phone_digits__in=sorted(query.phones))
    if not lookups:
        return []
    excluded = {int(pk) for kind, pk in exclude if kind == "opportunity"}
    rows = (
        Opportunity.objects.filter(org_id=org_id, status__in=PROTECTING_STATUSES)
        .filter(lookups)
        .exclude(pk__in=excluded)
        .values_list("pk", "customer_name", "phone")[:200]
    )
    matches = []
    for pk, customer_name, row_phone in rows:
        score, reasons = dedupe.score_pair(query, dedupe.make_profile(name=customer_name, phones=(row_phone,)))
        if dedupe.is_duplicate(score):
            matches.append(dedupe.DuplicateMatch("opportunity", pk, customer_name, score, reasons))
    matches.sort(key=lambda match: (-match.score, match.id))
    return matches[:limit]


@dataclass(frozen=True)
class Clash:
    match: dedupe.DuplicateMatch
    owner_id: int | None


def _owners_as_system(matches: list[dedupe.DuplicateMatch]) -> dict[tuple[str, int], int | None]:
    from qiao.customers.models import Customer, Lead

    owners = {}
    for kind, model in (("customer", Customer), ("lead", Lead), ("opportunity", Opportunity)):
        ids = [match.id for match in matches if match.type == kind]
        if ids:
            for pk, owner_id in model.objects.filter(pk__in=ids).values_list("pk", "owner_id"):
                owners[(kind, pk)] = owner_id
    return owners


def matches_as_system(opportunity: Opportunity) -> list[dedupe.DuplicateMatch]:
    """Every existing record the registration names again: customers and leads (CUS-8) and open
    registrations, plus the customer record it was registered for, if any."""
    found = dedupe.find_duplicates_as_system(
        org_id=opportunity.org_id,
        name=opportunity.customer_name,
        phone=opportunity.phone,
        types=("customer", "lead"),
        limit=MATCH_LIMIT,
    )
    if not any(match.type == "opportunity" for match in found):  # the shared matcher may know them one day
        found += find_opportunities_as_system(
            org_id=opportunity.org_id,
            name=opportunity.customer_name,
            phone=opportunity.phone,
            exclude=[("opportunity", opportunity.pk)] if opportunity.pk else [],
        )
    found = [match for match in found if not (match.type == "opportunity" and match.id == opportunity.pk)]
    if opportunity.customer_id and not any(m.type == "customer" and m.id == opportunity.customer_id for m in found):
        found.append(
            dedupe.DuplicateMatch(
                "customer",
                opportunity.customer_id,
                opportunity.customer.name,
                1.0,
                [_("The registration was made for this customer record")],
            )
        )
    return sorted(found, key=lambda match: (-match.score, match.type, match.id))


def clashes_as_system(opportunity: Opportunity, matches: list[dedupe.DuplicateMatch] | None = None) -> list[Clash]:
    """The matches that make the registration fail: records someone other than its owner owns."""
    matches = matches_as_system(opportunity) if matches is None else matches
    owners = _owners_as_system(matches)
    clashes = []
    for match in matches:
        owner_id = owners.get((match.type, match.id))
        if owner_id is not None and owner_id != opportunity.owner_id:
            clashes.append(Clash(match, owner_id))
    return clashes


def own_customer_as_system(opportunity: Opportunity, matches: list[dedupe.DuplicateMatch]):
    """The customer record an approved registration belongs to: the one it was registered for, else
    the best-matching customer of its own owner, else the best match in the public pool, else (after
    an override) the best match; None when the customer is new to the archive."""
    from qiao.customers.models import Customer

    if opportunity.customer_id:
        return opportunity.customer
    ids = [match.id for match in matches if match.type == "customer"]
    if not ids:
        return None
    customers = {c.pk: c for c in Customer.objects.filter(pk__in=ids, org_id=opportunity.org_id)}
    ranked = [customers[pk] for pk in ids if pk in customers]
    for customer in ranked:
        if customer.owner_id == opportunity.owner_id:
            return customer
    for customer in ranked:
        if customer.owner_id is None:
            return customer
    # Someone else's customer: only an administrator's override registers such a registration,
    # and then it belongs to that customer rather than to a copy of it.
    return ranked[0] if ranked else None
