"""The customers the demo registers twice on purpose, for duplicate detection to find (CUS-8): the
same shop written in traditional characters, with full-width brackets, with the city in brackets,
without its legal form, or under another name with the same phone."""

import random

from simple_history.utils import bulk_create_with_history

from . import services
from .demo_vocabulary import CITIES
from .models import Customer

PLANTED_DUPLICATES = 40
FULL_WIDTH = str.maketrans({"(": "（", ")": "）", " ": "\u3000"})


def duplicate_name(original: Customer, way: str) -> str:
    """The same customer's name as someone else would type it."""
    from zhconv import convert

    name = original.name
    city = next((c for c in CITIES.values() if c.full_name == original.city), None)
    if way == "traditional":
        return convert(name, "zh-tw")
    if way == "full_width":
        return name.translate(FULL_WIDTH) if "(" in name else f"{name}（{original.district}）"
    if way == "bracketed_city" and city:
        for prefix in (city.full_name, city.name):
            if name.startswith(prefix):
                return f"{name.removeprefix(prefix)}({city.name})"
        return f"{name}({city.name})"
    if way == "no_legal_form":
        for suffix in ("股份有限公司", "有限责任公司", "有限公司"):
            if name.endswith(suffix):
                return name.removesuffix(suffix)
    return name


def plant_duplicates(organization, admin, sellers, customers, rng: random.Random) -> list[Customer]:
    """PLANTED_DUPLICATES customers registered a second time, often by another rep: traditional
    characters, full-width brackets, the city moved into brackets, the legal form left out, or a
    differently written name with the same phone."""
    companies = [c for c in customers if c.name.endswith("公司")]
    shops = [c for c in customers if not c.name.endswith("公司")]
    ways = ["traditional", "full_width", "bracketed_city", "no_legal_form", "same_phone"]
    planted = []
    for number in range(PLANTED_DUPLICATES):
        way = ways[number % len(ways)]
        pool = companies if way in ("bracketed_city", "no_legal_form") else shops + companies
        original = pool[rng.randrange(len(pool))]
        copy = Customer(
            org=organization,
            name=duplicate_name(original, way),
            industry=original.industry,
            owner=rng.choice(sellers) if sellers else None,
            created_by=admin,
            mobile=original.mobile,
            phone=original.phone,
            address=original.address,
            province=original.province,
            city=original.city,
            district=original.district,
            street=original.street,
            latitude=original.latitude,
            longitude=original.longitude,
            source="phone",
            tenure="future",
            lifecycle="prospect",
            cooperation_status="not_cooperating",
        )
        copy.owner_department = copy.owner.department if copy.owner else None
        if way == "same_phone":
            copy.name = f"{original.name.removesuffix('有限公司')}{rng.choice(['总店', '门市', '经营部'])}"
            copy.address = ""
        if way == "traditional":
            copy.unified_social_credit_code = original.unified_social_credit_code
        services.prepare_customer(copy)
        planted.append(copy)
    return bulk_create_with_history(planted, Customer, batch_size=500, default_user=admin)
