"""What the matcher knows about one record (a `Profile`): the company name taken apart, the phones
both as digits and as people write them, the unified social credit code, the places and the street,
each normalized the way the stored keys are, so that records from any caller compare alike."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .. import chinese
from ..chinese import CompanyName, parse_company_name

HOTLINE_PREFIXES = ("400", "800")  # nationwide service numbers, shared by every branch of a company


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
