"""Demo data of the customer archive: a few thousand downstream shops, supermarkets and trading
companies of the distributor 华东精品商贸有限公司 across its sales regions, with parsed addresses and
map positions, normalized phones, valid unified social credit codes, classifications, tags,
contacts with solar and lunar birthdays, and a few duplicates planted on purpose (the same shop
written in traditional characters, with full-width brackets, with the city in brackets, without
its legal form, or only sharing a phone) for duplicate detection to find (CUS-8). One function
per concern; everything is created in bulk so that `qiao demo` stays quick (docs/customers.md)."""

import contextlib
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qiao.org.models import User

from . import chinese, services
from .models import Contact, Customer, Tag

CUSTOMER_COUNT = 3000
PLANTED_DUPLICATES = 40
SELLER_POSITIONS = ["销售代表", "销售组长", "门店督导"]


@dataclass(frozen=True)
class City:
    name: str  # as people say it: 杭州
    province: str  # as addresses write it: 浙江省 ('' for a municipality)
    full_name: str  # 杭州市
    area_code: str  # landline prefix
    districts: tuple[str, ...]
    local_digits: int = 8  # digits of a landline after the area code


CITIES = {
    "上海": City(
        "上海", "", "上海市", "021", ("浦东新区", "闵行区", "徐汇区", "静安区", "杨浦区", "普陀区", "嘉定区", "宝山区")
    ),
    "苏州": City("苏州", "江苏省", "苏州市", "0512", ("姑苏区", "吴中区", "相城区", "吴江区", "虎丘区")),
    "杭州": City("杭州", "浙江省", "杭州市", "0571", ("西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区")),
    "宁波": City("宁波", "浙江省", "宁波市", "0574", ("海曙区", "江北区", "鄞州区", "北仑区")),
    "绍兴": City("绍兴", "浙江省", "绍兴市", "0575", ("越城区", "柯桥区", "上虞区")),
    "南京": City("南京", "江苏省", "南京市", "025", ("玄武区", "秦淮区", "鼓楼区", "建邺区", "江宁区")),
    "无锡": City("无锡", "江苏省", "无锡市", "0510", ("梁溪区", "滨湖区", "新吴区")),
    "常州": City("常州", "江苏省", "常州市", "0519", ("天宁区", "钟楼区", "武进区")),
    "广州": City("广州", "广东省", "广州市", "020", ("天河区", "越秀区", "海珠区", "白云区", "番禺区")),
    "佛山": City("佛山", "广东省", "佛山市", "0757", ("禅城区", "南海区", "顺德区")),
    "深圳": City("深圳", "广东省", "深圳市", "0755", ("南山区", "福田区", "罗湖区", "宝安区", "龙岗区")),
    "珠海": City("珠海", "广东省", "珠海市", "0756", ("香洲区", "斗门区", "金湾区"), 7),
    "惠州": City("惠州", "广东省", "惠州市", "0752", ("惠城区", "惠阳区"), 7),
    "北京": City("北京", "", "北京市", "010", ("朝阳区", "海淀区", "东城区", "西城区", "丰台区", "通州区")),
    "廊坊": City("廊坊", "河北省", "廊坊市", "0316", ("广阳区", "安次区"), 7),
    "保定": City("保定", "河北省", "保定市", "0312", ("竞秀区", "莲池区"), 7),
    "天津": City("天津", "", "天津市", "022", ("和平区", "南开区", "河西区", "滨海新区")),
    "唐山": City("唐山", "河北省", "唐山市", "0315", ("路北区", "路南区"), 7),
    "合肥": City("合肥", "安徽省", "合肥市", "0551", ("蜀山区", "包河区", "庐阳区")),
    "南昌": City("南昌", "江西省", "南昌市", "0791", ("东湖区", "西湖区", "青山湖区")),
    "长沙": City("长沙", "湖南省", "长沙市", "0731", ("岳麓区", "芙蓉区", "天心区", "开福区")),
}
# Each sales team's territory (org/demo.py's teams); the first city is its home market.
CITIES_BY_TEAM = {
    "上海销售一组": ["上海", "上海", "苏州"],
    "上海销售二组": ["上海", "上海", "苏州"],
    "杭州销售组": ["杭州", "杭州", "宁波", "绍兴"],
    "南京销售组": ["南京", "南京", "无锡", "常州"],
    "广州销售组": ["广州", "广州", "佛山"],
    "深圳销售组": ["深圳", "深圳", "珠海", "惠州"],
    "北京销售组": ["北京", "北京", "廊坊", "保定"],
    "天津销售组": ["天津", "天津", "唐山"],
    "渠道与门店发展部": ["合肥", "南昌", "长沙"],
}
STREETS = [
    "中山路",
    "解放路",
    "人民路",
    "建设路",
    "新华路",
    "和平路",
    "长江路",
    "黄河路",
    "学府路",
    "幸福路",
    "光明路",
    "朝阳路",
    "青年路",
    "东风路",
    "胜利路",
    "文化路",
    "迎宾大道",
    "滨江大道",
    "环城北路",
    "工业大道",
    "花园街",
    "桂花巷",
    "丰收路",
    "商业街",
    "步行街",
    "北京路",
    "南京路",
    "延安路",
    "复兴路",
]
BRANDS = [
    "鑫达",
    "恒通",
    "金穗",
    "嘉禾",
    "百佳",
    "惠民",
    "福满",
    "家乐",
    "万和",
    "信诚",
    "瑞丰",
    "安泰",
    "鸿运",
    "聚源",
    "新世纪",
    "四季",
    "优品",
    "益康",
    "盛世",
    "丰泽",
    "利民",
    "合家福",
    "惠万家",
    "佳佳乐",
    "鲜丰",
    "百味佳",
    "金满仓",
    "新一佳",
    "润泽",
    "佳美",
    "万家福",
    "德润",
    "喜多多",
    "隆泰",
    "泰和",
    "金鼎",
    "广源",
    "宏达",
    "茂源",
    "永盛",
    "春晖",
    "康乐",
    "吉祥",
    "兴旺",
    "如意",
    "顺发",
    "三阳",
    "天福",
    "星光",
    "明珠",
    "金桥",
    "好邻居",
    "邻里",
    "乐家",
    "便民",
    "众信",
    "汇源",
    "同福",
    "昌盛",
    "富源",
    "华泰",
    "天顺",
    "宝丰",
    "和兴",
    "鼎盛",
    "凯旋",
    "美佳",
    "全家乐",
    "旺福",
    "锦绣",
    "一品",
    "尚品",
    "佳源",
    "诚信",
    "南北",
    "东盛",
    "金百合",
]
SHOP_KINDS = {  # kind of shop → industry
    "超市": "商超零售",
    "便利店": "商超零售",
    "生活超市": "商超零售",
    "百货店": "商超零售",
    "烟酒商行": "烟酒零售",
    "酒行": "烟酒零售",
    "食品店": "食品零售",
    "副食品店": "食品零售",
    "粮油店": "粮油副食",
    "母婴用品店": "母婴零售",
    "茶叶店": "茶叶零售",
    "水果店": "生鲜零售",
    "批发部": "食品批发",
}
COMPANY_KINDS = {
    "商贸": "批发贸易",
    "贸易": "批发贸易",
    "食品": "食品批发",
    "供应链管理": "供应链",
    "酒业": "酒类批发",
    "实业": "批发贸易",
    "日用品": "日化批发",
    "连锁超市": "商超零售",
    "餐饮管理": "餐饮",
}
LEGAL_FORMS = ["有限公司"] * 6 + ["有限责任公司"] * 3 + ["股份有限公司"]
TAGS = [
    ("重点客户", "red"),
    ("连锁", "blue"),
    ("社区店", "green"),
    ("学校周边", "yellow"),
    ("24小时营业", "purple"),
    ("新品试点", "cyan"),
    ("价格敏感", "orange"),
    ("账期客户", "pink"),
    ("节日大客户", "red"),
    ("需要拜访", "teal"),
    ("生鲜", "lime"),
    ("进口酒", "indigo"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢钟汪"
GIVEN_NAMES = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "春梅",
    "国庆",
    "立新",
    "海燕",
    "晓东",
    "红梅",
    "学军",
    "振华",
    "慧敏",
    "丹",
    "凯",
    "琳",
    "颖",
    "斌",
    "倩",
    "辉",
    "玲",
    "建国",
    "德明",
    "美玲",
    "金凤",
    "永强",
    "玉兰",
    "文杰",
]
CONTACT_TITLES = ["店长", "采购", "老板娘", "财务", "采购经理", "店员", "总经理", "仓库主管"]
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]
BOSS_FAMILY = ["已婚，一子", "已婚，一女", "已婚，一子一女", "已婚，孩子在读大学", "夫妻共同经营", "单身"]
BOSS_HOBBIES = ["钓鱼、喝茶", "打麻将", "跑步、登山", "书法", "看球赛", "摄影", "打羽毛球", "养花"]
BOSS_PERSONALITY = [
    "直爽，重情义，喜欢当面谈",
    "精打细算，价格上反复比较",
    "谨慎，决定前要看样品",
    "爽快，电话里就能拍板",
    "讲究面子，重视节日问候",
    "不爱应酬，微信沟通为主",
]
BOSS_EDUCATION = ["初中", "高中", "中专", "大专", "本科", "硕士"]
BOSS_INCOME = ["年收入 10 万以下", "年收入 10–30 万", "年收入 30–50 万", "年收入 50–100 万", "年收入 100 万以上"]
BOSS_NETWORK = ["当地商会会员", "同乡会骨干", "与多家供应商交好", "社区居委会熟人多", "行业协会理事"]
BOSS_OCCUPATION = ["个体经营者", "公司法人", "退伍后创业", "原国企职工", "连锁加盟商"]
CAPITAL = ["雄厚", "较强", "一般", "较弱"]
SALES_STATUS = ["月销约 5 万，稳定", "月销约 20 万，逐月增长", "旺季好淡季差", "近三月下滑", "新店，尚在爬坡"]
PAYMENT_RECORD = ["按时结款", "现款现货", "月结，偶有拖延", "账期 30 天，信用良好", "曾有欠款，已结清"]
MANAGEMENT = ["规范，有进销存系统", "一般，手工记账", "较乱，老板一人说了算", "连锁化管理"]


def load(organization, admin, rng, stdout) -> None:
    """The customer archive of the demo: customers, their tags and contacts, planted duplicates."""
    started = timezone.now()
    sellers = list(
        User.objects.filter(org=organization, position__in=SELLER_POSITIONS, is_active=True)
        .select_related("department")
        .order_by("pk")
    )
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
    """The district as the address parser reads it, with its centre on the map (customers/chinese.py)."""
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


# --- Planted duplicates (CUS-8) --------------------------------------------------------------------

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


# --- Leads, capture forms, referral rewards and the pool's history (LEAD-1 … LEAD-5, CUS-12) --------

LEAD_PEOPLE = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
LEAD_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "建华",
]
LEAD_TITLES = ["店主", "老板", "采购经理", "店长", "总经理", "采购"]
LEAD_COMPANIES = [
    "{city}惠万家便利店",
    "{city}鲜丰水果超市",
    "{city}佳佳乐母婴店",
    "{city}聚福源食品商行",
    "{city}乐购生活超市",
    "{city}德润商贸有限公司",
    "{city}百味佳烟酒商行",
    "{city}金满仓粮油批发部",
    "{city}新一佳便利店",
    "{city}优鲜到家社区店",
]
LEAD_CITIES = ["上海", "杭州", "南京", "苏州", "宁波", "广州", "深圳", "北京", "天津", "合肥"]


def load_leads(organization, admin, rng, stdout) -> None:
    """About 120 leads of the sales teams in every status, a few hot and overdue, some introduced by
    customers (three of those converted, with their rewards), a capture form with entries, daily
    targets for the representatives, and the public pool's history."""
    from qiao.activities.models import Activity

    from . import leads, pool_services
    from .models import CaptureForm, DailyTarget, Lead, LeadStatus, PoolEvent

    sellers = list(
        User.objects.filter(org=organization, position__in=["销售代表", "销售组长", "门店督导"])
        .select_related("department")
        .order_by("pk")
    )
    customers = list(Customer.objects.filter(org=organization, owner__isnull=False).order_by("pk")[:200])
    now = timezone.now()
    statuses = [LeadStatus.NEW] * 4 + [LeadStatus.CONTACTED] * 4 + [LeadStatus.QUALIFIED] * 2 + [LeadStatus.HOT] * 2
    statuses += [LeadStatus.DISQUALIFIED]
    sources = ["acquaintance", "referral", "company_list", "association", "trade_show", "phone", "internet", "walk_in"]
    form = CaptureForm.objects.create(
        org=organization,
        title="2026 上海国际食品饮料展 · 展位 B12",
        token="demo-trade-show-b12",
        introduction="留下联系方式，展会后三天内专人联系，赠送新品试吃装。",
        owner=sellers[0],
        source="trade_show",
    )
    created = []
    for number in range(120):
        owner = rng.choice(sellers)
        city = rng.choice(LEAD_CITIES)
        status = rng.choice(statuses)
        source = rng.choice(sources)
        referred_by = rng.choice(customers) if source == "referral" and customers and rng.random() < 0.7 else None
        last_contact = None if status == LeadStatus.NEW else now - timedelta(days=rng.randrange(0, 20))
        lead = Lead(
            org=organization,
            owner=owner,
            owner_department=owner.department,
            created_by=owner,
            name=rng.choice(LEAD_PEOPLE) + rng.choice(LEAD_GIVEN),
            title=rng.choice(LEAD_TITLES),
            company=rng.choice(LEAD_COMPANIES).format(city=city),
            phone=mobile(rng),  # a valid mobile number (the customers' helper above)
            address=f"{city}市{rng.choice(['中山路', '解放路', '人民路', '建设路'])}{rng.randrange(1, 400)}号",
            source=source,
            status=status,
            last_contacted_at=last_contact,
            referred_by_customer=referred_by,
            referred_by_name="" if referred_by or source != "referral" else rng.choice(LEAD_PEOPLE) + "老板",
            disqualified_reason="暂无采购需求" if status == LeadStatus.DISQUALIFIED else "",
            capture_form=form if source == "trade_show" and rng.random() < 0.5 else None,
        )
        leads.prepare_lead(lead)
        if status in leads.OPEN_STATUSES and rng.random() < 0.25:
            lead.next_follow_up_at = timezone.localdate() - timedelta(days=rng.randrange(1, 6))  # overdue
        lead.save()
        created.append((lead.pk, now - timedelta(days=rng.randrange(0, 60), minutes=number)))
    for pk, when in created:
        Lead.objects.filter(pk=pk).update(created_at=when)

    converted = 0
    referrals = Lead.objects.filter(org=organization, status__in=leads.OPEN_STATUSES, source="referral")
    for lead in referrals.order_by("pk")[:3]:
        leads.lead_convert(actor=lead.owner, lead=lead, ignore_duplicates=True)
        converted += 1

    for seller in sellers:
        DailyTarget.objects.create(org=organization, user=seller, prospect_calls=5)
        for minute in range(rng.randrange(0, 7)):
            subject = rng.choice(customers) if customers else None
            Activity.objects.create(
                org=organization,
                owner=seller,
                creator=seller,
                subject=subject,
                kind=Activity.Kind.CALL,
                starts_at=now - timedelta(minutes=10 + 7 * minute),
                notes="电话回访，确认下月订货计划",
            )

    # The pool's history: most owned customers followed up lately, a few about to return.
    owned = list(
        Customer.objects.filter(org=organization, owner__isnull=False).order_by("pk").values_list("pk", flat=True)
    )
    for pk in owned:
        Customer.objects.filter(pk=pk).update(
            last_followed_at=now - timedelta(days=rng.randrange(0, 20)),
            last_deal_at=now - timedelta(days=rng.randrange(0, 60)),
        )
    for pk in owned[:: max(1, len(owned) // 12)]:
        Customer.objects.filter(pk=pk).update(last_followed_at=now - timedelta(days=28))
    for customer in Customer.objects.filter(org=organization, owner__isnull=True)[:8]:
        PoolEvent.objects.create(
            org=organization, customer=customer, kind=PoolEvent.Kind.RETURNED, reason="自动退回：30 天未跟进"
        )
    totals = pool_services.pool_return_due_as_system(organizations=[organization])
    stdout.write(f"  {len(created)} leads ({converted} converted), 1 capture form, pool: {totals['warned']} warned")


def unload_leads(organization) -> None:
    """Capture forms protect their owners; `demo --reset` removes them before the employees."""
    from .models import CaptureForm

    CaptureForm.objects.filter(org=organization).delete()
