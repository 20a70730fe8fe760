"""China's provinces, cities and districts by name (cpca's offline table), for the region part
of company names and for telling places apart (CUS-8)."""

import functools
import re
from dataclasses import dataclass

from .addresses import MUNICIPALITY_PLACEHOLDERS


@dataclass(frozen=True)
class Region:
    level: int  # 1 province, 2 city, 3 district or county
    code: str  # adcode prefix: 2, 4 or 6 digits
    full: str  # 浙江省, 杭州市, 西湖区
    short: str  # 浙江, 杭州, 西湖


def _region_short_name(full: str, level: int) -> str:
    if level == 1:
        return re.sub(r"(省|市|特别行政区|(?:[^族]{1,4}族)*自治区)$", "", full)
    if level == 2:
        return re.sub(r"(市|地区|盟|(?:[^族]{1,5}族)*自治州)$", "", full)
    return re.sub(r"(新区|区|县|市|旗|(?:[^族]{1,5}族)*自治[县旗])$", "", full)


@functools.cache
def region_table() -> dict[str, tuple[Region, ...]]:
    """Every province, city and district of cpca's offline table by its full and its short name
    (浙江省 and 浙江, 杭州市 and 杭州); a name can stand for several places (朝阳区 in Beijing
    and 朝阳市 in Liaoning)."""
    import csv
    from importlib import resources

    table: dict[str, list[Region]] = {}
    with resources.files("cpca").joinpath("resources/adcodes.csv").open(encoding="utf-8") as lines:
        for row in csv.DictReader(lines):
            adcode, full = row["adcode"], row["name"].strip()
            if full in MUNICIPALITY_PLACEHOLDERS or not full:
                continue
            if adcode[2:6] == "0000":
                level, code = 1, adcode[:2]
            elif adcode[4:6] == "00":
                level, code = 2, adcode[:4]
            else:
                level, code = 3, adcode[:6]
            region = Region(level, code, full, _region_short_name(full, level))
            table.setdefault(full, []).append(region)
            if len(region.short) >= 2 and region.short != full:
                table.setdefault(region.short, []).append(region)
    return {name: tuple(regions) for name, regions in table.items()}


@functools.cache
def region_name_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(name) for name in region_table()}, reverse=True))


def regions_named(name: str, level: int | None = None) -> tuple[Region, ...]:
    """The places a region name (full or short) can stand for, at `level` when it has one there."""
    regions = region_table().get(name, ())
    if level is not None and any(region.level == level for region in regions):
        return tuple(region for region in regions if region.level == level)
    return regions


def places_of(province: str = "", city: str = "", district: str = "") -> frozenset[str]:
    """The adcode prefixes of an address's province, city and district (as stored on a customer)."""
    codes = set()
    for level, name in ((1, province), (2, city), (3, district)):
        name = (name or "").strip()
        if not name:
            continue
        candidates = regions_named(name, level)
        if level == 3 and codes:  # a district name is ambiguous; keep the ones inside the city
            inside = [region for region in candidates if any(region.code.startswith(code) for code in codes)]
            candidates = inside or candidates
        codes |= {region.code for region in candidates}
    return frozenset(codes)


def places_compatible(first: frozenset[str], second: frozenset[str]) -> bool:
    """False when two sets of places say different provinces, cities or districts (杭州 and 苏州);
    True when they agree or one of them does not say (浙江 and 杭州, or nothing)."""
    for length in (2, 4, 6):
        mine = {code[:length] for code in first if len(code) >= length}
        theirs = {code[:length] for code in second if len(code) >= length}
        if mine and theirs and not mine & theirs:
            return False
    return True
