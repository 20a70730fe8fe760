"""Demo data of the customer archive: a few thousand downstream shops, supermarkets and trading
companies of the distributor 华东精品商贸有限公司 across its sales regions, with parsed addresses and
map positions, normalized phones, valid unified social credit codes, classifications, tags,
contacts with solar and lunar birthdays, and a few duplicates planted on purpose (the same shop
written in traditional characters, with full-width brackets, with the city in brackets, without
its legal form, or only sharing a phone) for duplicate detection to find (CUS-8). One function
per concern; everything is created in bulk so that `qiao demo` stays quick (docs/customers.md).
The words it writes with are in demo_vocabulary.py; the planted duplicates in demo_duplicates.py;
leads, capture forms and the pool's history in demo_leads.py."""

import contextlib
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qiao.core.history import record_relations_in_history
from qiao.org.demo import GIVEN_NAMES, SURNAMES
from qiao.org.models import User

from . import chinese, services
from .demo_duplicates import plant_duplicates
from .demo_vocabulary import (
    BOSS_EDUCATION,
    BOSS_FAMILY,
    BOSS_HOBBIES,
    BOSS_INCOME,
    BOSS_NETWORK,
    BOSS_OCCUPATION,
    BOSS_PERSONALITY,
    BRANDS,
    CAPITAL,
    CITIES,
    CITIES_BY_TEAM,
    COMPANY_KINDS,
    CONTACT_TITLES,
    LEGAL_FORMS,
    MANAGEMENT,
    MOBILE_PREFIXES,
    PAYMENT_RECORD,
    SALES_STATUS,
    SHOP_KINDS,
    STREETS,
    TAGS,
    City,
)
from .models import Contact, Customer, Tag

CUSTOMER_COUNT = 3000
SELLER_POSITIONS = ["销售代表", "销售组长", "门店督导"]


def demo_sellers(organization) -> list[User]:
    """The active employees who own customers and leads in the demo, with their departments, in id
    order: the seeded draws must not depend on the order a database returns rows in."""
    return list(
        User.objects.filter(org=organization, position__in=SELLER_POSITIONS, is_active=True)
        .select_related("department")
        .order_by("pk")
    )


def load(organization, admin, rng, stdout) -> None:
    """The customer archive of the demo: customers, their tags and contacts, planted duplicates."""
    started = timezone.now()
    sellers = demo_sellers(organization)
    tags = load_tags(organization)
    customers = load_customers(organization, admin, sellers, tags, rng)
    duplicates = plant_duplicates(organization, admin, sellers, customers, rng)
    contacts = load_contacts(organization, customers + duplicates, rng)
    seconds = (timezone.now() - started).total_seconds()
    stdout.write(
        f"  {len(customers) + len(duplicates)} customers ({len(duplicates)} planted duplicates), "
        f"{contacts} contacts, {len(tags)} tags in {seconds:.1f} s"
    )


def load_tags(organization) -> list[Tag]:
    return Tag.objects.bulk_create([Tag(org=organization, name=name, color=color) for name, color in TAGS])


# --- What a customer is made of --------------------------------------------------------------------


def mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def landline(rng: random.Random, city: City) -> str:
    """A landline of the city as people write it (0571-87654321), one the phone check accepts:
    some local prefixes are not in use (Shanghai's 021-8004…), and the archive refuses them."""
    rest = city.local_digits - 1
    while True:
        number = f"{city.area_code}-{rng.randrange(2, 9)}{rng.randrange(10**rest):0{rest}d}"
        if chinese.normalize_phone(number) is not None:
            return number


def credit_code(rng: random.Random, adcode: str, *, individual: bool) -> str:
    """A valid unified social credit code (GB 32100): registration authority and kind (91: an
    enterprise registered with market regulation; 92: an individual business), the region's
    administrative code, a nine-character organization code, and the check character."""
    body = ("92" if individual else "91") + adcode[:6]
    body += "".join(rng.choice(chinese.USCC_CHARACTERS[:10] * 3 + chinese.USCC_CHARACTERS) for _ in range(9))
    return body + chinese.uscc_check_character(body)


@dataclass
class Place:
    city: City
    district: str
    province: str
    city_name: str
    adcode: str
    latitude: Decimal
    longitude: Decimal


_places: dict[tuple[str, str], Place] = {}


def place(city: City, district: str) -> Place:
    """The district as the address parser reads it, with its centre on the map (customers/chinese/addresses.py)."""
    key = (city.name, district)
    if key not in _places:
        parsed = chinese.parse_address(f"{city.province}{city.full_name}{district}")
        latitude, longitude = chinese.approximate_location(parsed) or (None, None)
        _places[key] = Place(city, parsed.district, parsed.province, parsed.city, parsed.adcode, latitude, longitude)
    return _places[key]


def address(rng: random.Random, where: Place) -> tuple[str, str]:
    """(the address as a customer gives it, its street part): sometimes with the province,
    usually from the city down, with a shop number or a room."""
    street = f"{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
    extra = rng.random()
    if extra < 0.15:
        street += f"{rng.randrange(1, 30)}幢{rng.randrange(1, 20)}0{rng.randrange(1, 9)}室"
    elif extra < 0.3:
        street += f"{rng.randrange(1, 60)}号商铺"
    prefix = f"{where.city.province}{where.city.full_name}" if rng.random() < 0.3 else where.city.full_name
    return f"{prefix}{where.district}{street}", street


def jitter(value: Decimal | None, rng: random.Random) -> Decimal | None:
    """Spread the shops of a district around its centre so that the map shows streets, not a pile."""
    if value is None:
        return None
    return (value + Decimal(rng.uniform(-0.03, 0.03))).quantize(Decimal("0.000001"))


def customer_name(rng: random.Random, city: City, district: str, taken: set[str]) -> tuple[str, str, bool]:
    """(name, industry, is a company): a shop ('杭州鑫达超市', '惠万家便利店(文三路店)') or a
    registered company ('杭州恒通商贸有限公司'); never one whose normalized name is taken."""
    for _attempt in range(50):
        brand = rng.choice(BRANDS)
        if rng.random() < 0.4:
            kind = rng.choice(list(COMPANY_KINDS))
            region = city.full_name if rng.random() < 0.6 else city.name
            name, industry, company = f"{region}{brand}{kind}{rng.choice(LEGAL_FORMS)}", COMPANY_KINDS[kind], True
        else:
            kind = rng.choice(list(SHOP_KINDS))
            if rng.random() < 0.25:
                name = f"{brand}{kind}({district.removesuffix('区').removesuffix('新')}店)"
            elif rng.random() < 0.15:
                name = f"{rng.choice(SURNAMES)}记{kind}"
            else:
                name = f"{city.name}{brand}{kind}"
            industry, company = SHOP_KINDS[kind], False
        key = chinese.company_name_key(name)
        if key not in taken:
            taken.add(key)
            return name, industry, company
    raise RuntimeError("ran out of demo customer names")


def weighted(rng: random.Random, options: dict):
    return rng.choices(list(options), weights=list(options.values()))[0]


def classify(customer: Customer, rng: random.Random) -> None:
    """CUS-4's classes, consistent with each other: prospects are future customers that do not
    cooperate yet; lost ones do not cooperate any more."""
    tenure = weighted(rng, {"old": 50, "new": 30, "future": 20})
    customer.tenure = tenure
    if tenure == "future":
        customer.cooperation_status = "not_cooperating"
        customer.lifecycle = "prospect"
        customer.volume = "scattered"
        customer.abc_class = ""
        customer.value_tier = ""
    else:
        customer.cooperation_status = weighted(
            rng, {"normal": 70, "low_performance": 15, "has_problems": 8, "not_cooperating": 5, "": 2}
        )
        customer.lifecycle = (
            "lost"
            if customer.cooperation_status == "not_cooperating"
            else "new"
            if tenure == "new"
            else weighted(rng, {"active": 70, "at_risk": 20, "new": 10})
        )
        customer.volume = weighted(rng, {"key": 12, "general": 50, "scattered": 38})
        customer.abc_class = weighted(rng, {"a": 20, "b": 30, "c": 50})
        customer.value_tier = weighted(rng, {"high": 20, "medium": 45, "low": 35})
    customer.size = weighted(rng, {"large": 10, "medium": 30, "small": 55, "": 5})
    customer.source = weighted(
        rng,
        {
            "acquaintance": 15,
            "referral": 15,
            "company_list": 10,
            "association": 5,
            "trade_show": 10,
            "phone": 15,
            "internet": 10,
            "walk_in": 10,
            "handover": 5,
            "other": 5,
        },
    )
    customer.preferred_channel = weighted(rng, {"phone": 40, "wechat": 35, "visit": 15, "sms": 5, "email": 5})


def birthday(record, rng: random.Random) -> None:
    """A solar birthday, or (one in three) a lunar one as older shop owners give it."""
    record.birthday_calendar = "lunar" if rng.random() < 0.35 else "solar"
    record.birthday_month = rng.randrange(1, 13)
    record.birthday_day = rng.randrange(1, 29)
    record.birthday_year = rng.randrange(1955, 1995) if rng.random() < 0.6 else None


def boss_profile(customer: Customer, rng: random.Random) -> None:
    """Seed 000's personal profile of the boss: family, occupation, income, education, personality
    and communication style, hobbies, social network, birthday."""
    customer.boss_name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
    customer.boss_gender = weighted(rng, {"male": 65, "female": 35})
    customer.boss_family = rng.choice(BOSS_FAMILY)
    customer.boss_occupation = rng.choice(BOSS_OCCUPATION)
    customer.boss_income_band = rng.choice(BOSS_INCOME)
    customer.boss_education = rng.choice(BOSS_EDUCATION)
    customer.boss_personality = rng.choice(BOSS_PERSONALITY)
    customer.boss_hobbies = rng.choice(BOSS_HOBBIES)
    customer.boss_social_network = rng.choice(BOSS_NETWORK)
    if rng.random() < 0.7:
        birthday(customer, rng)


def business_profile(customer: Customer, rng: random.Random) -> None:
    """Seed 000's business situation: capital, budget, sales, payments, management."""
    customer.capital_strength = rng.choice(CAPITAL)
    customer.budget = Decimal(rng.choice((2, 5, 8, 10, 20, 30, 50, 100)) * 10000)
    customer.sales_status = rng.choice(SALES_STATUS)
    customer.payment_record = rng.choice(PAYMENT_RECORD)
    customer.management_level = rng.choice(MANAGEMENT)


# --- Customers ------------------------------------------------------------------------------------


def load_customers(organization, admin, sellers, tags, rng: random.Random) -> list[Customer]:
    """CUSTOMER_COUNT customers, 90 % owned by a seller in the seller's territory, the rest in the
    public pool; created over the last two years; one in five shared with a colleague."""
    now = timezone.now()
    taken: set[str] = set()
    customers = []
    teams = list(CITIES_BY_TEAM)
    for number in range(CUSTOMER_COUNT):
        owner = rng.choice(sellers) if sellers and rng.random() > 0.1 else None
        team = owner.department.name if owner and owner.department.name in CITIES_BY_TEAM else rng.choice(teams)
        city = CITIES[rng.choice(CITIES_BY_TEAM[team])]
        district = rng.choice(city.districts)
        where = place(city, district)
        name, industry, company = customer_name(rng, city, district, taken)
        full_address, street = address(rng, where)
        customer = Customer(
            org=organization,
            name=name,
            industry=industry,
            owner=owner,
            owner_department=owner.department if owner else None,
            created_by=owner or admin,
            mobile=mobile(rng) if rng.random() < 0.85 else "",
            phone=landline(rng, city) if rng.random() < 0.5 else "",
            address=full_address,
            province=where.province,
            city=where.city_name,
            district=where.district,
            street=street,
            latitude=jitter(where.latitude, rng),
            longitude=jitter(where.longitude, rng),
        )
        if not (customer.mobile or customer.phone):
            customer.mobile = mobile(rng)
        if company or rng.random() < 0.4:
            customer.unified_social_credit_code = credit_code(rng, where.adcode, individual=not company)
        if company and rng.random() < 0.4:
            mailbox = f"{chinese.pinyin_keys(name)[1][:6]}{rng.randrange(10, 99)}"
            customer.email = f"{mailbox}@{rng.choice(['163.com', 'qq.com', 'sina.com'])}"
        if company and rng.random() < 0.2:
            customer.website = f"https://www.{chinese.pinyin_keys(name)[1][:8]}.com.cn"
        nature = "company"
        if number % 97 == 0:
            nature = "partner"
        elif number % 151 == 0:
            nature = "special_business"
        customer.nature = nature
        classify(customer, rng)
        if rng.random() < 0.45:
            boss_profile(customer, rng)
        if rng.random() < 0.35:
            business_profile(customer, rng)
        if rng.random() < 0.1:
            customer.notes = rng.choice(
                [
                    "周末客流大，周五前送货",
                    "老板只在上午在店",
                    "需要开增值税专用发票",
                    "隔壁新开了竞品门店",
                    "门头去年翻新过",
                ]
            )
        services.prepare_customer(customer)  # phones normalized, codes validated, search keys
        customer.created_at = now - timedelta(days=rng.randrange(0, 730), minutes=number)
        customers.append(customer)
    with dated_in_the_past(Customer):
        customers = bulk_create_with_history(customers, Customer, batch_size=500, default_user=admin)
    link_tags_and_colleagues(customers, sellers, tags, rng)
    return customers


@contextlib.contextmanager
def dated_in_the_past(model):
    """Lets bulk creation keep the `created_at` the demo gives each record (a customer base built
    up over two years) instead of stamping them all with now, without a second pass of updates."""
    field = model._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def link_tags_and_colleagues(customers, sellers, tags, rng: random.Random) -> None:
    tag_links, colleague_links = [], []
    team_of = {}
    for seller in sellers:
        team_of.setdefault(seller.department_id, []).append(seller)
    by_name = {tag.name: tag for tag in tags}
    for customer in customers:
        chosen = set(rng.sample(tags, k=weighted(rng, {0: 35, 1: 40, 2: 20, 3: 5})))
        if customer.volume == "key":
            chosen.add(by_name["重点客户"])
        if "(" in customer.name:
            chosen.add(by_name["连锁"])
        tag_links += [Customer.tags.through(customer_id=customer.pk, tag_id=tag.pk) for tag in chosen]
        if customer.owner_id and rng.random() < 0.2:
            colleagues = [s for s in team_of.get(customer.owner.department_id, []) if s.pk != customer.owner_id]
            if colleagues:
                colleague_links.append(
                    Customer.related_users.through(customer_id=customer.pk, user_id=rng.choice(colleagues).pk)
                )
    Customer.tags.through.objects.bulk_create(tag_links, batch_size=1000)
    Customer.related_users.through.objects.bulk_create(colleague_links, batch_size=1000)
    # The creation's history row holds the team and the tags, as if they had been set with it.
    record_relations_in_history(Customer, customers)


# --- Contacts (CUS-2) -----------------------------------------------------------------------------


def load_contacts(organization, customers, rng: random.Random) -> int:
    """One to three people at seven customers in ten: the boss, a buyer, a shop manager; some with
    birthdays, solar or lunar."""
    contacts = []
    for customer in customers:
        if rng.random() > 0.7:
            continue
        for index in range(weighted(rng, {1: 50, 2: 35, 3: 15})):
            name = (
                customer.boss_name
                if index == 0 and customer.boss_name
                else rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
            )
            contact = Contact(
                org=organization,
                customer=customer,
                name=name,
                title="老板" if index == 0 else rng.choice(CONTACT_TITLES),
                mobile=mobile(rng),
                wechat=f"wx_{chinese.pinyin_keys(name)[0]}{rng.randrange(100, 999)}" if rng.random() < 0.5 else "",
                decision_role="decision_maker" if index == 0 else rng.choice(["influencer", "user", "gatekeeper"]),
                preferred_channel=rng.choice(["phone", "wechat", "wechat", "visit", "sms"]),
                is_primary=index == 0,
                communication_style=rng.choice(BOSS_PERSONALITY) if rng.random() < 0.3 else "",
            )
            if rng.random() < 0.35:
                birthday(contact, rng)
            services._prepare_contact(contact)  # as contact_save does: phones, birthday, search keys
            contacts.append(contact)
    bulk_create_with_history(contacts, Contact, batch_size=1000)
    return len(contacts)
