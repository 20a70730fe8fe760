"""Unified social credit codes (统一社会信用代码), GB 32100-2015 (CUS-1)."""

import re
import unicodedata

USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first_seventeen: str) -> str:
    total = sum(
        USCC_CHARACTERS.index(character) * weight
        for character, weight in zip(first_seventeen, USCC_WEIGHTS, strict=True)
    )
    return USCC_CHARACTERS[(31 - total % 31) % 31]


def normalize_uscc(text: str) -> str:
    """Upper case, full-width and spaces removed; '' for empty input."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()


def uscc_problem(code: str) -> str | None:
    """Why `code` (normalized) is not a valid unified social credit code, or None if it is. The
    reasons are codes; services turn them into messages."""
    if len(code) != 18:
        return "length"
    if any(character not in USCC_CHARACTERS for character in code):
        return "characters"
    if uscc_check_character(code[:17]) != code[17]:
        return "checksum"
    return None
