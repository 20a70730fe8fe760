"""Writes bench/dedupe_pairs.csv: the labelled evaluation set of duplicate detection (CUS-8).

Each row is a pair of customer records as people enter them — name, phone, unified social credit
code, address — labelled 1 when both are the same customer and 0 when they are not, with the kind
of variation that produced it. The pairs come from how the same company really gets written
differently and from the companies that really get confused, not from the matcher's rules:

same customer (label 1)
- legal form written differently or left out (有限公司 / 有限责任公司 / nothing);
- region prefix present or not, province added, "杭州市" for "杭州";
- the region in brackets after the trade name ("西湖贸易（杭州）有限公司"), full- or half-width;
- traditional characters (a Hong Kong or Taiwan business card), full-width letters and digits;
- spaces and punctuation typed in;
- the short name people use (trade name and industry only, or trade name only) with the same phone;
- a homophone typo of a pinyin input method (西湖 → 西胡), with and without the same phone;
- the name typed in pinyin, with the same phone;
- a renamed company (same code, new name), a company whose name changed but phone and address did not;
- the same branch office or chain shop written differently;
- several of these at once, and phone numbers written every way (+86, dashes, area code in brackets);

different customers (label 0)
- the same name in another city, with and without the region written out;
- a head office and its branch office, two branch offices, two shops of one chain (often sharing
  the 400 hotline);
- the same trade name in another industry (西湖贸易 / 西湖科技);
- homophone trade names that are different registered companies (恒达 / 恒大, 鑫源 / 新元);
- names one character apart, or with one more character (恒达贸易 / 恒达通贸易);
- two shops of one owner sharing a mobile number but with different names and addresses;
- different unified social credit codes under similar names; unrelated companies.

Run `.venv/bin/python bench/dedupe_pairs_make.py` to regenerate (seeded, so the file is stable);
`bench/dedupe.py --evaluate` measures precision and recall on it.
"""

import csv
import random
import sys
import unicodedata
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "dedupe_pairs.csv"
SEED = 20260


def _words(text: str) -> list[str]:
    return text.split()


# city, its province, area code, districts (with a street each)
CITIES = [
    (
        "杭州",
        "浙江",
        "0571",
        [("西湖区", "文三路"), ("滨江区", "江南大道"), ("余杭区", "文一西路"), ("拱墅区", "莫干山路")],
    ),
    ("宁波", "浙江", "0574", [("鄞州区", "天童南路"), ("海曙区", "中山西路"), ("江北区", "人民路")]),
    ("温州", "浙江", "0577", [("鹿城区", "车站大道"), ("瓯海区", "温州大道")]),
    ("苏州", "江苏", "0512", [("姑苏区", "人民路"), ("吴中区", "东吴北路"), ("工业园区", "星湖街")]),
    ("南京", "江苏", "025", [("鼓楼区", "中山北路"), ("江宁区", "双龙大道"), ("秦淮区", "中华路")]),
    ("无锡", "江苏", "0510", [("梁溪区", "中山路"), ("滨湖区", "太湖大道")]),
    ("上海", "上海", "021", [("浦东新区", "张杨路"), ("徐汇区", "漕溪北路"), ("闵行区", "七莘路")]),
    ("合肥", "安徽", "0551", [("蜀山区", "长江西路"), ("包河区", "马鞍山路")]),
    ("福州", "福建", "0591", [("鼓楼区", "五四路"), ("仓山区", "则徐大道")]),
    ("厦门", "福建", "0592", [("思明区", "湖滨南路"), ("湖里区", "江头北路")]),
    ("济南", "山东", "0531", [("历下区", "泉城路"), ("槐荫区", "经十路")]),
    ("青岛", "山东", "0532", [("市南区", "香港中路"), ("崂山区", "海尔路")]),
    ("广州", "广东", "020", [("天河区", "天河路"), ("越秀区", "中山五路"), ("番禺区", "市桥路")]),
    ("深圳", "广东", "0755", [("南山区", "科技园路"), ("福田区", "深南大道"), ("宝安区", "新安路")]),
    ("东莞", "广东", "0769", [("南城街道", "鸿福路")]),
    ("成都", "四川", "028", [("武侯区", "人民南路"), ("锦江区", "春熙路")]),
    ("武汉", "湖北", "027", [("江汉区", "解放大道"), ("洪山区", "珞喻路")]),
    ("长沙", "湖南", "0731", [("岳麓区", "麓山南路"), ("芙蓉区", "五一大道")]),
    ("郑州", "河南", "0371", [("金水区", "花园路"), ("二七区", "大学路")]),
    ("西安", "陕西", "029", [("雁塔区", "小寨东路"), ("碑林区", "东大街")]),
    ("北京", "北京", "010", [("朝阳区", "建国路"), ("海淀区", "中关村大街"), ("丰台区", "丰台北路")]),
    ("天津", "天津", "022", [("和平区", "南京路"), ("河西区", "友谊路")]),
    ("重庆", "重庆", "023", [("渝中区", "解放碑"), ("江北区", "观音桥步行街")]),
    ("昆明", "云南", "0871", [("五华区", "东风西路")]),
    ("南昌", "江西", "0791", [("东湖区", "八一大道")]),
    ("佛山", "广东", "0757", [("禅城区", "季华路"), ("顺德区", "大良街道")]),
    ("泉州", "福建", "0595", [("丰泽区", "田安路")]),
    ("绍兴", "浙江", "0575", [("越城区", "解放北路")]),
    ("嘉兴", "浙江", "0573", [("南湖区", "中山东路")]),
    ("常州", "江苏", "0519", [("天宁区", "延陵西路")]),
]
MUNICIPALITIES = {"上海", "北京", "天津", "重庆"}
TRADE_NAMES = _words(
    """
    恒达 鑫源 华星 金穗 永辉 宏远 瑞丰 嘉禾 天润 汇通 盛世 佳美 新纪元 百川 聚源 海纳
    同心 远航 中联 博雅 锦程 德信 万象 亿家 长青 东升 正泰 明辉 和顺 福瑞 祥和 诚信 创新
    智远 众邦 安居 康达 顺丰源 绿源 金鼎 宝丰 银河 星光 泰和 润发 利民 富源 昌盛 兴隆
    旺达 凯旋 红日 蓝海 白云山 青松 紫金 金桥 鼎盛 广源 伟业 协力 方圆 天成 乐家
    """
)
# Trade names that are different registered companies but sound the same (toneless pinyin).
HOMOPHONE_COMPANIES = [
    ("恒达", "恒大"),
    ("鑫源", "新元"),
    ("华星", "华新"),
    ("金穗", "金岁"),
    ("宏远", "鸿远"),
    ("瑞丰", "瑞峰"),
    ("天润", "天闰"),
    ("汇通", "惠通"),
    ("盛世", "胜势"),
    ("佳美", "嘉美"),
    ("永辉", "永晖"),
    ("德信", "得信"),
    ("明辉", "鸣辉"),
    ("康达", "康大"),
    ("金鼎", "金顶"),
    ("富源", "富元"),
    ("昌盛", "昌胜"),
    ("兴隆", "星隆"),
]
# Input-method typos: the same pinyin, the wrong character.
HOMOPHONE_TYPOS = {
    "西湖": "西胡",
    "恒达": "恒大",
    "鑫源": "鑫元",
    "华星": "华兴",
    "金穗": "金岁",
    "嘉禾": "佳禾",
    "汇通": "惠通",
    "佳美": "嘉美",
    "德信": "德新",
    "锦程": "金程",
    "博雅": "博亚",
    "远航": "远杭",
    "明辉": "明晖",
    "和顺": "合顺",
    "福瑞": "富瑞",
    "宝丰": "宝峰",
    "红日": "宏日",
    "伟业": "伟叶",
    "正泰": "正太",
}
INDUSTRIES = _words(
    """
    贸易 商贸 科技 食品 茶叶 服饰 建材 五金 电子 医药 家居 物流 文化传媒 农业 酒业 日化
    母婴用品 汽配 餐饮管理 信息技术 网络科技 电器 包装 印刷 装饰工程 机械设备
    """
)
OTHER_INDUSTRY = {
    "贸易": "科技",
    "商贸": "物流",
    "科技": "贸易",
    "食品": "餐饮管理",
    "建材": "装饰工程",
    "电子": "电器",
}
LEGAL_FORMS = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "商行", "经营部"]
CHAINS = [
    "永辉超市",
    "华联超市",
    "联华超市",
    "世纪联华",
    "物美超市",
    "大润发",
    "好又多超市",
    "苏果超市",
    "红旗连锁",
    "美宜佳",
]
SHOP_BRANCHES = ["滨江", "西湖", "万达广场", "文三路", "火车站", "人民广场", "江南", "城西", "新城", "湖滨", "大学城"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林"]
PINYIN = {  # syllables separated by spaces
    "恒达": "heng da",
    "鑫源": "xin yuan",
    "华星": "hua xing",
    "金穗": "jin sui",
    "永辉": "yong hui",
    "宏远": "hong yuan",
    "瑞丰": "rui feng",
    "嘉禾": "jia he",
    "天润": "tian run",
    "汇通": "hui tong",
    "贸易": "mao yi",
    "商贸": "shang mao",
    "科技": "ke ji",
    "食品": "shi pin",
    "茶叶": "cha ye",
    "服饰": "fu shi",
    "建材": "jian cai",
    "五金": "wu jin",
    "电子": "dian zi",
    "杭州": "hang zhou",
    "宁波": "ning bo",
    "苏州": "su zhou",
    "南京": "nan jing",
    "上海": "shang hai",
}
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(rng: random.Random) -> str:
    """A unified social credit code with a valid GB 32100 check character."""
    body = "91" + "".join(rng.choices("0123456789", k=6)) + "".join(rng.choices(CREDIT_CODE_ALPHABET, k=9))
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(body, CREDIT_CODE_WEIGHTS, strict=True))
    return body + CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


MOBILE_PREFIXES = _words(
    """
    130 131 132 133 135 136 137 138 139 150 151 152
    153 155 156 157 158 159 177 180 181 186 187 188
    189
    """
)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random, area: str) -> str:
    """A fixed-line number of the city (eight digits after the area code, seven where the city
    still has seven, as Xiamen), valid by phonenumbers."""
    import phonenumbers

    for length in (8, 7):
        for _ in range(50):
            number = area + str(rng.randrange(2, 9)) + "".join(rng.choices("0123456789", k=length - 1))
            if phonenumbers.is_valid_number(phonenumbers.parse(number, "CN")):
                return number
    raise ValueError(f"no valid fixed-line number found for area code {area}")


def hotline(rng: random.Random) -> str:
    return rng.choice(["400", "800"]) + "".join(rng.choices("0123456789", k=7))


def written(rng: random.Random, phone: str) -> str:
    """The same number as different people type it."""
    if phone.startswith("1") and len(phone) == 11:
        return rng.choice(
            [
                phone,
                f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
                f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}",
                f"+86-{phone}",
            ]
        )
    if phone.startswith(("400", "800")):
        return rng.choice([phone, f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"])
    area_length = 3 if phone[:3] in {"010", "020", "021", "022", "023", "024", "025", "027", "028", "029"} else 4
    area, local = phone[:area_length], phone[area_length:]
    return rng.choice([phone, f"{area}-{local}", f"({area}){local}", f"{area} {local[:4]} {local[4:]}"])


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def traditional(text: str) -> str:
    from zhconv import convert

    return convert(text, "zh-hk")


class Company:
    def __init__(self, rng: random.Random, *, trade=None, industry=None, city=None, legal=None):
        self.city, self.province, self.area, districts = city or rng.choice(CITIES)
        self.district, self.road = rng.choice(districts)
        self.trade = trade or rng.choice(TRADE_NAMES)
        self.industry = industry or rng.choice(INDUSTRIES)
        self.legal = legal or rng.choice(LEGAL_FORMS)
        self.mobile = mobile(rng)
        self.landline = landline(rng, self.area)
        self.code = credit_code(rng)
        self.number = rng.randrange(1, 999)

    def name(self, *, region: str = "city", legal: str | None = None) -> str:
        legal = self.legal if legal is None else legal
        prefix = {"city": self.city, "none": "", "province": self.province_prefix(), "city_full": self.city + "市"}[
            region
        ]
        return f"{prefix}{self.trade}{self.industry}{legal}"

    def province_prefix(self) -> str:
        return self.city if self.city in MUNICIPALITIES else self.province + self.city

    def address(self, rng: random.Random, style: str = "full") -> str:
        city = self.city if self.city in MUNICIPALITIES else f"{self.province}省{self.city}"
        street = f"{self.road}{self.number}号"
        if style == "short":
            return f"{self.city}{self.district}{street}"
        if style == "spaced":
            return f"{city}市 {self.district} {self.road} {self.number} 号"
        return f"{city}市{self.district}{street}"


def record(name, phone="", code="", address=""):
    return {"name": name, "phone": phone, "code": code, "address": address}


# --- same customer ------------------------------------------------------------------------------


def positives(rng: random.Random):
    pairs = []

    def add(kind, a, b, note=""):
        pairs.append((kind, 1, a, b, note))

    for _ in range(30):
        company = Company(rng, legal=rng.choice(["有限公司", "有限责任公司"]))
        other_legal = rng.choice(["", "有限责任公司" if company.legal != "有限责任公司" else "有限公司"])
        add(
            "legal_form",
            record(company.name(), written(rng, company.mobile), "", company.address(rng)),
            record(company.name(legal=other_legal), "", "", ""),
        )
    for _ in range(30):
        company = Company(rng)
        variants = ["none", "province", "city_full", "city"]
        first, second = rng.sample(variants, 2)
        add(
            "region_prefix",
            record(company.name(region=first), "", "", company.address(rng) if rng.random() < 0.5 else ""),
            record(company.name(region=second), "", "", ""),
        )
    for _ in range(30):
        company = Company(rng)
        brackets = rng.choice([("（", "）"), ("(", ")")])
        bracketed = f"{company.trade}{company.industry}{brackets[0]}{company.city}{brackets[1]}{company.legal}"
        add("bracket_region", record(company.name(), "", "", ""), record(bracketed, "", "", company.address(rng)))
    for _ in range(25):
        company = Company(rng)
        add(
            "traditional",
            record(company.name(), written(rng, company.landline), "", ""),
            record(traditional(company.name(legal=rng.choice(["有限公司", ""]))), "", "", ""),
        )
    for _ in range(20):
        company = Company(rng, trade=rng.choice(["ABC", "3D", "A+", "E家", "U优", "88", "K歌", "TCL华星", "i美"]))
        add(
            "full_width",
            record(company.name(), "", "", ""),
            record(full_width(company.name()), "", "", ""),
        )
    for _ in range(20):
        company = Company(rng)
        name = company.name()
        spaced = rng.choice(
            [
                f"{company.city} {company.trade}{company.industry} {company.legal}",
                f"{company.city}·{company.trade}{company.industry}{company.legal}",
                f"{company.name()}。",
                f"“{company.trade}”{company.industry}{company.legal}",
                f"{company.city}-{company.trade}-{company.industry}",
            ]
        )
        add("punctuation", record(name, "", "", ""), record(spaced, "", "", ""))
    for _ in range(25):
        company = Company(rng)
        short = rng.choice([company.trade + company.industry, company.trade, company.city + company.trade])
        add(
            "abbreviation_phone",
            record(company.name(), written(rng, company.mobile), "", company.address(rng)),
            record(short, written(rng, company.mobile), "", ""),
        )
    for _ in range(10):
        company = Company(rng)
        add(
            "abbreviation_alone",
            record(company.name(), "", "", ""),
            record(company.trade + company.industry, "", "", ""),
            "the short name people use: trade name and industry",
        )
    for _ in range(20):
        trade = rng.choice(list(HOMOPHONE_TYPOS))
        company = Company(rng, trade=trade)
        typo = company.name().replace(trade, HOMOPHONE_TYPOS[trade])
        add(
            "homophone_typo_phone",
            record(company.name(), written(rng, company.mobile), "", ""),
            record(typo, written(rng, company.mobile), "", ""),
        )
    for _ in range(8):
        trade = rng.choice(list(HOMOPHONE_TYPOS))
        company = Company(rng, trade=trade)
        add(
            "homophone_typo_alone",
            record(company.name(), "", "", company.address(rng)),
            record(company.name().replace(trade, HOMOPHONE_TYPOS[trade]), "", "", company.address(rng, "short")),
            "a typo with nothing else in common but the address",
        )
    for _ in range(12):
        trade = rng.choice([t for t in PINYIN if t in TRADE_NAMES])
        industry = rng.choice([i for i in PINYIN if i in INDUSTRIES])
        company = Company(rng, trade=trade, industry=industry)
        typed = rng.choice(
            [(PINYIN[trade] + PINYIN[industry]).replace(" ", ""), f"{PINYIN[trade]} {PINYIN[industry]}".title()]
        )
        add("pinyin_phone", record(company.name(), written(rng, company.mobile), "", ""), record(typed, company.mobile))
    for _ in range(20):
        company = Company(rng)
        renamed = Company(rng, city=next(c for c in CITIES if c[0] == company.city))
        add(
            "renamed_same_code",
            record(company.name(), "", company.code, ""),
            record(renamed.name(), "", company.code.lower() if rng.random() < 0.3 else company.code, ""),
        )
    for _ in range(12):
        company = Company(rng)
        renamed = Company(rng, city=next(c for c in CITIES if c[0] == company.city))
        add(
            "renamed_same_phone_address",
            record(company.name(), written(rng, company.mobile), "", company.address(rng)),
            record(renamed.name(), written(rng, company.mobile), "", company.address(rng, "spaced")),
        )
    for _ in range(15):
        company = Company(rng)
        add(
            "code_and_variant",
            record(company.name(), "", company.code, ""),
            record(company.name(region="none", legal=""), written(rng, company.landline), company.code, ""),
        )
    for _ in range(15):
        company = Company(rng)
        chain, branch = rng.choice(CHAINS), rng.choice(SHOP_BRANCHES)
        first = rng.choice([f"{chain}（{branch}店）", f"{chain}{branch}店", f"{chain}({branch}店)"])
        second = rng.choice([f"{chain}{branch}店", f"{chain} {branch}店", f"{traditional(chain)}（{branch}店）"])
        add("same_shop", record(first, "", "", ""), record(second, written(rng, company.landline), "", ""))
    for _ in range(12):
        company = Company(rng, legal="有限公司")
        branch_city = rng.choice([c for c in CITIES if c[0] != company.city])[0]
        first = f"{company.name()}{branch_city}分公司"
        second = rng.choice(
            [
                f"{company.trade}{company.industry}（{company.city}）有限公司{branch_city}分公司",
                f"{company.name()}（{branch_city}分公司）",
                f"{company.city}{company.trade}{company.industry}{branch_city}分公司",
            ]
        )
        add("same_branch", record(first, "", "", ""), record(second, "", "", ""))
    for _ in range(30):
        company = Company(rng)
        second = company.name(region=rng.choice(["none", "province"]), legal=rng.choice(["", "有限责任公司"]))
        if rng.random() < 0.5:
            second = traditional(second)
        if rng.random() < 0.4:
            second = f"{company.trade}{company.industry}（{company.city}）"
        add(
            "combined",
            record(company.name(), written(rng, company.mobile), "", company.address(rng)),
            record(second, written(rng, rng.choice([company.mobile, company.landline])), "", ""),
            "several variations at once",
        )
    for _ in range(12):
        company = Company(rng)
        if company.district.endswith("街道"):  # a city without districts (东莞)
            continue
        district = company.district.removesuffix("新区").removesuffix("区")
        with_district = f"{company.city}{district}{company.trade}{company.industry}{company.legal}"
        second = rng.choice([company.name(), f"{district}{company.trade}{company.industry}{company.legal}"])
        add(
            "district_prefix",
            record(with_district, "", "", ""),
            record(second, "", "", ""),
            "the district written into the name, or not",
        )
    for _ in range(8):
        company = Company(rng)
        chain, branch = rng.choice(CHAINS), company.district.removesuffix("新区").removesuffix("区")
        add(
            "shop_with_city",
            record(f"{chain}（{company.city}{branch}店）", "", "", ""),
            record(rng.choice([f"{chain}{branch}店", f"{chain}({branch}店)"]), "", "", ""),
        )
    famous = [
        ("中国石油化工股份有限公司", "中石化"),
        ("中国移动通信集团有限公司", "中国移动"),
        ("北京京东世纪贸易有限公司", "京东"),
        ("上海浦东发展银行股份有限公司", "浦发银行"),
        ("杭州娃哈哈集团有限公司", "娃哈哈"),
        ("阿里巴巴（中国）网络技术有限公司", "阿里巴巴"),
        ("海尔集团公司", "海尔"),
        ("美的集团股份有限公司", "美的"),
        ("中国工商银行股份有限公司杭州分行", "工行杭州分行"),
        ("苏宁易购集团股份有限公司", "苏宁易购"),
    ]
    for number, (full, short) in enumerate(famous):
        company = Company(rng)
        with_phone = number < 6
        add(
            "famous_abbreviation",
            record(full, written(rng, company.landline), "", ""),
            record(short, written(rng, company.landline) if with_phone else "", "", ""),
            "a well-known company by its common abbreviation" + ("" if with_phone else ", nothing else in common"),
        )
    for _ in range(5):
        trade = rng.choice([t for t in PINYIN if t in TRADE_NAMES])
        industry = rng.choice([i for i in PINYIN if i in INDUSTRIES])
        company = Company(rng, trade=trade, industry=industry)
        initials = "".join(syllable[0] for syllable in f"{PINYIN[trade]} {PINYIN[industry]}".split()).upper()
        add("initials_phone", record(company.name(), written(rng, company.mobile)), record(initials, company.mobile))
    for _ in range(15):
        company = Company(rng)
        add(
            "phone_only",
            record(company.name(), written(rng, company.mobile), "", ""),
            record("", written(rng, company.mobile), "", ""),
            "a lead or opportunity registered with a phone and no company name",
        )
    return pairs


# --- different customers --------------------------------------------------------------------------


def negatives(rng: random.Random):
    pairs = []

    def add(kind, a, b, note=""):
        pairs.append((kind, 0, a, b, note))

    for _ in range(35):
        company = Company(rng)
        elsewhere = Company(
            rng,
            trade=company.trade,
            industry=company.industry,
            city=rng.choice([c for c in CITIES if c[0] != company.city]),
        )
        style = rng.choice(["names", "names", "address"])
        if style == "names":
            a = record(company.name(), written(rng, company.mobile), "", "")
            b = record(elsewhere.name(), written(rng, elsewhere.mobile), "", "")
        else:  # the region only in the address
            a = record(company.name(region="none"), "", "", company.address(rng))
            b = record(elsewhere.name(region="none"), "", "", elsewhere.address(rng))
        add("other_city", a, b)
    for _ in range(25):
        company = Company(rng, legal="有限公司")
        branch_city = rng.choice([c for c in CITIES if c[0] != company.city])[0]
        shared = hotline(rng)
        add(
            "head_and_branch",
            record(company.name(), written(rng, shared) if rng.random() < 0.5 else "", company.code, ""),
            record(f"{company.name()}{branch_city}分公司", written(rng, shared), credit_code(rng), ""),
            "a branch office has its own code and is a customer of its own",
        )
    for _ in range(20):
        company = Company(rng, legal="有限公司")
        first, second = rng.sample([c[0] for c in CITIES if c[0] != company.city], 2)
        shared = hotline(rng)
        add(
            "two_branches",
            record(f"{company.name()}{first}分公司", written(rng, shared), "", ""),
            record(f"{company.name()}{second}分公司", written(rng, shared), "", ""),
        )
    for _ in range(25):
        chain = rng.choice(CHAINS)
        first, second = rng.sample(SHOP_BRANCHES, 2)
        shared = hotline(rng) if rng.random() < 0.6 else ""
        add(
            "two_shops",
            record(f"{chain}（{first}店）", written(rng, shared) if shared else "", "", ""),
            record(
                rng.choice([f"{chain}{second}店", f"{chain}（{second}店）"]), written(rng, shared) if shared else ""
            ),
        )
    for _ in range(30):
        company = Company(rng, industry=rng.choice(list(OTHER_INDUSTRY)))
        other = Company(
            rng,
            trade=company.trade,
            industry=OTHER_INDUSTRY[company.industry],
            city=next(c for c in CITIES if c[0] == company.city),
        )
        add(
            "same_trade_name_other_industry",
            record(company.name(), written(rng, company.mobile), "", ""),
            record(other.name(), written(rng, other.mobile), "", ""),
        )
    for _ in range(30):
        first_trade, second_trade = rng.choice(HOMOPHONE_COMPANIES)
        company = Company(rng, trade=first_trade)
        other = Company(
            rng, trade=second_trade, industry=company.industry, city=next(c for c in CITIES if c[0] == company.city)
        )
        add(
            "homophone_companies",
            record(
                company.name(), written(rng, company.mobile), "", company.address(rng) if rng.random() < 0.3 else ""
            ),
            record(other.name(), written(rng, other.mobile), "", other.address(rng) if rng.random() < 0.3 else ""),
            "registered companies whose trade names sound the same",
        )
    for _ in range(25):
        company = Company(rng)
        city = next(c for c in CITIES if c[0] == company.city)
        changed = rng.choice(
            [
                company.trade + rng.choice("通达发兴隆源"),
                company.trade[0] + rng.choice("华天宏金鑫泰") if len(company.trade) == 2 else company.trade[:-1],
                rng.choice("新大中金") + company.trade,
            ]
        )
        other = Company(rng, trade=changed, industry=company.industry, city=city)
        if other.trade == company.trade:
            continue
        add(
            "one_character_apart",
            record(company.name(), written(rng, company.mobile), "", ""),
            record(other.name(), written(rng, other.mobile), "", ""),
        )
    for _ in range(20):
        company = Company(rng)
        other = Company(rng, city=next(c for c in CITIES if c[0] == company.city))
        add(
            "same_owner_two_shops",
            record(
                f"{rng.choice(SURNAMES)}记{company.trade}{company.industry}店",
                written(rng, company.mobile),
                "",
                company.address(rng),
            ),
            record(f"{other.trade}{other.industry}{other.legal}", written(rng, company.mobile), "", other.address(rng)),
            "one owner's mobile on two different shops",
        )
    for _ in range(15):
        company = Company(rng)
        other = Company(
            rng, trade=company.trade, industry=company.industry, city=next(c for c in CITIES if c[0] == company.city)
        )
        add(
            "different_codes",
            record(company.name(), "", company.code, ""),
            record(
                f"{company.trade}{company.industry}（{company.city}）{rng.choice(['集团', '控股'])}有限公司",
                "",
                other.code,
            ),
            "a group company and its operating company, each with its own code",
        )
    for _ in range(12):
        company = Company(rng)
        city = next(c for c in CITIES if c[0] == company.city)
        if len(city[3]) < 2:
            continue
        (first, _road), (second, _other_road) = rng.sample(city[3], 2)
        add(
            "other_district",
            record(
                f"{company.city}市{first}{company.trade}{company.industry}{company.legal}", written(rng, company.mobile)
            ),
            record(f"{company.city}市{second}{company.trade}{company.industry}{company.legal}", mobile(rng)),
            "the same name registered in two districts of a city",
        )
    for _ in range(25):
        company, other = Company(rng), Company(rng)
        if company.trade == other.trade:
            continue
        add(
            "unrelated",
            record(company.name(), written(rng, company.mobile), "", company.address(rng)),
            record(other.name(), written(rng, other.mobile), "", other.address(rng)),
        )
    return pairs


def main() -> int:
    rng = random.Random(SEED)
    pairs = positives(rng) + negatives(rng)
    columns = ["pair", "kind", "label", "name_a", "phone_a", "code_a", "address_a"]
    columns += ["name_b", "phone_b", "code_b", "address_b", "note"]
    with OUTPUT.open("w", newline="", encoding="utf-8") as output:
        writer = csv.writer(output)
        writer.writerow(columns)
        for number, (kind, label, a, b, note) in enumerate(pairs, start=1):
            fields = ("name", "phone", "code", "address")
            writer.writerow([number, kind, label, *(a[k] for k in fields), *(b.get(k, "") for k in fields), note])
    labels = [label for _, label, *_ in pairs]
    print(f"{OUTPUT.name}: {len(pairs)} pairs, {sum(labels)} same customer, {len(labels) - sum(labels)} different")
    assert all(unicodedata.is_normalized("NFC", str(p)) for p in pairs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
