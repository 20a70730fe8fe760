"""Chinese-aware handling of what people type into a customer archive: unified social credit codes
(GB 32100-2015), phone numbers, addresses (province / city / district, offline), pinyin for search,
and the normalized company name that duplicate detection compares (CUS-1, CUS-6, CUS-8). One
module per concern; callers use them through this package (`chinese.pinyin_keys`, …)."""

from .addresses import MUNICIPALITY_PLACEHOLDERS, Address, approximate_location, parse_address, parse_addresses
from .codes import USCC_CHARACTERS, normalize_uscc, uscc_check_character, uscc_problem
from .company_names import NAME_KEY_LENGTH, CompanyName, company_name_key, is_industry_only, parse_company_name
from .phones import digits, normalize_phone, phone_digits
from .pinyin import pinyin_keys
from .regions import Region, places_compatible, places_of, regions_named

__all__ = [
    "MUNICIPALITY_PLACEHOLDERS",
    "NAME_KEY_LENGTH",
    "USCC_CHARACTERS",
    "Address",
    "CompanyName",
    "Region",
    "approximate_location",
    "company_name_key",
    "digits",
    "is_industry_only",
    "normalize_phone",
    "normalize_uscc",
    "parse_address",
    "parse_addresses",
    "parse_company_name",
    "phone_digits",
    "pinyin_keys",
    "places_compatible",
    "places_of",
    "regions_named",
    "uscc_check_character",
    "uscc_problem",
]
