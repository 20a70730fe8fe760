"""Phone numbers as people write them, and their digits for search and matching (CUS-1, CUS-6)."""

import re
import unicodedata

import phonenumbers


def normalize_phone(text: str) -> str | None:
    """A Chinese (or international) phone number in its national written form — '138 1234 5678',
    '0571 8888 6666' — or None when it is not a valid number. Numbers of other countries keep their
    international form ('+1 650-253-0000'). A written form is its own written form, which the
    duplicate search of an import relies on (dedupe.make_profile(phones_written=True))."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))


def phone_digits(*phones: str) -> str:
    """The digits of every phone, space-separated, for search by any run of digits and for exact
    duplicate matching ('13812345678 057188886666')."""
    return " ".join(d for d in (digits(phone) for phone in phones) if d)
