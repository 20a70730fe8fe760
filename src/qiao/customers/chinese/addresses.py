"""Addresses: province / city / district and the rest of a free-text Chinese address, from
cpca's offline table of administrative divisions, and where a district lies on the map (CUS-1,
CUS-9)."""

import functools
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

MUNICIPALITY_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Address:
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    adcode: str = ""


@functools.lru_cache(maxsize=4096)
def parse_address(text: str) -> Address:
    """Province, city, district and the rest of a free-text Chinese address. Municipalities
    (上海市) are their own city."""
    return parse_addresses([text])[0]


def parse_addresses(texts: list[str]) -> list[Address]:
    """`parse_address` for many addresses in one call of cpca (an import's thousands of rows)."""
    cleaned = [unicodedata.normalize("NFKC", text or "").strip() for text in texts]
    if not any(cleaned):
        return [Address() for _text in cleaned]
    import cpca  # loads its tables (about a second) on first use only

    frame = cpca.transform(cleaned)
    addresses = []
    for text, row in zip(
        cleaned, frame[["省", "市", "区", "地址", "adcode"]].itertuples(index=False, name=None), strict=True
    ):
        if not text:
            addresses.append(Address())
            continue
        province, city, district, street, adcode = (_text(value) for value in row)
        if city in MUNICIPALITY_PLACEHOLDERS:
            city = province
        addresses.append(Address(province, city, district, street, adcode))
    return addresses


def _text(value) -> str:
    return "" if value is None or value != value else str(value)  # NaN != NaN


@functools.cache
def _coordinates_by_adcode() -> dict[str, tuple[Decimal, Decimal]]:
    import csv
    from importlib import resources

    table = {}
    with resources.files("cpca").joinpath("resources/adcodes.csv").open(encoding="utf-8") as lines:
        for row in csv.DictReader(lines):
            latitude, longitude = (row.get(column, "").strip() for column in ("latitude", "longitude"))
            if latitude and longitude:  # a few divisions have no coordinates in the table
                table[row["adcode"][:6]] = (Decimal(latitude), Decimal(longitude))
    return table


def approximate_location(address: Address) -> tuple[Decimal, Decimal] | None:
    """The centre of the address's district (or city, or province): where a customer sits on the
    map until someone pins the exact spot (CUS-9)."""
    if not address.adcode:
        return None
    table = _coordinates_by_adcode()
    code = address.adcode[:6]
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if candidate in table:
            return table[candidate]
    return None
