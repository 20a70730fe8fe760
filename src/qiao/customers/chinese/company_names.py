"""Company names (CUS-8).

A Chinese company name is, by the registration rules, region + trade name (字号) + industry +
legal form: 浙江 + 西湖 + 贸易 + 有限公司. People write the same company with or without the
region, in brackets after the trade name ("西湖贸易（杭州）有限公司"), with or without the legal
form, in traditional characters or full-width letters. `parse_company_name` takes a name apart
into those pieces; `company_name_key` is what is left that tells companies apart (the core, plus
the branch office when there is one), stored in Customer.name_key for indexed look-ups. The
region is kept aside (`places`): the same core in another city is another company, which
duplicate scoring checks (customers/dedupe/scoring.py)."""

import functools
import re
import unicodedata
from dataclasses import dataclass

from .regions import Region, region_name_lengths, region_table

LEGAL_FORM_SUFFIXES = (
    "集团股份有限公司",
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "个人独资企业",
    "个体工商户",
    "有限公司",
    "股份公司",
    "集团公司",
    "责任公司",
    "合伙企业",
    "有限合伙",
    "普通合伙",
    "总公司",
    "经营部",
    "门市部",
    "公司",
    "集团",
    "商行",
    "总店",
    "总部",
    "corporation",
    "limited",
    "company",
    "coltd",
    "corp",
    "ltd",
    "inc",
    "llc",
)

# A branch office or a chain's shop is a customer of its own, never the same as its head office.
BRANCH_MARKERS = (
    "分公司",
    "办事处",
    "营业部",
    "分理处",
    "分店",
    "分厂",
    "分部",
    "分行",
    "支行",
    "分院",
    "分社",
    "门店",
    "店",
)
# Words before 店 that name a kind of shop rather than a branch (便利店, 专卖店 …).
SHOP_KIND_WORDS = (
    "专卖",
    "旗舰",
    "便利",
    "精品",
    "直营",
    "加盟",
    "体验",
    "形象",
    "零售",
    "批发",
    "连锁",
    "网",
    "商",
    "书",
    "药",
    "饭",
    "酒",
    "花",
    "总",
)
NATIONAL_WORDS = ("中国", "中华", "全国", "国际", "china")


def _words(text: str) -> list[str]:
    return text.split()


# Industry words (行业表述): what a trade name is followed by. A name reduced to industry words
# only has lost its trade name, so regions are not stripped that far.
INDUSTRY_WORDS = frozenset(
    _words(
        """
    贸易 商贸 工贸 经贸 外贸 进出口 国际贸易 实业 投资 控股 发展 企业 科技 技术 信息 网络
    软件 电子 电器 电气 数码 通讯 通信 智能 自动化 机械 设备 机电 五金 建材 材料 化工
    塑料 塑胶 橡胶 钢铁 金属 有色 矿业 能源 新能源 环保 环境 节能 水务 电力 光电 照明
    灯饰 家居 家具 装饰 装修 装潢 设计 建筑 建设 工程 安装 园林 绿化 房地产 置业 地产
    物业 酒店 宾馆 餐饮 饮食 食品 副食 粮油 米业 面业 茶叶 茶业 酒业 饮料 乳业 肉类 水产
    果蔬 水果 蔬菜 农业 农产品 生态 养殖 种植 畜牧 林业 生物 医药 药业 制药 医疗 器械
    医疗器械 大药房 药房 药店 诊所 健康 养老 美容 美发 化妆品 日化 日用品 百货 超市 便利店
    商店 商场 商厦 购物中心 服饰 服装 鞋业 皮具 纺织 针织 印染 家纺 母婴 玩具 文具 体育
    用品 文化 传媒 广告 印刷 包装 纸业 出版 教育 培训 咨询 管理 服务 商务 人力资源 劳务
    家政 保洁 物流 运输 快递 货运 供应链 仓储 汽车 汽配 汽车配件 汽车销售 摩托车 自行车
    轮胎 眼镜 珠宝 首饰 黄金 钟表 家电 厨具 卫浴 陶瓷 玻璃 门窗 灯具 电线 电缆 仪器 仪表
    旅游 旅行社 票务 会展 展览 摄影 影视 音乐 动漫 游戏 电商 电子商务 网络科技 信息技术
    计算机 烟酒 酒水 批发 零售 销售 经销 连锁 加盟 专卖 门业 窗业 漆业 涂料 油漆 石材
    木业 竹业 工艺 工艺品 礼品 制品 制造 加工 生产 开发 研究 研发 检测 认证
    """
    )
)


def _may_strip(region: Region, name: str, parents: set[str]) -> bool:
    """Whether a leading region name is the region part of a company name. Full names always are;
    short names of provinces and cities are; the short name of a district or county (西湖, 余杭)
    only right after its own city (杭州西湖…), since alone it is just as often the trade name,
    except for county-level cities (义乌, 昆山), which people write like cities."""
    if name == region.full or region.level < 3:
        return True
    if region.full.endswith("市"):
        return True
    return any(region.code.startswith(parent) for parent in parents)


def is_industry_only(text: str) -> bool:
    """Whether `text` consists of industry words only (贸易, 茶叶贸易): nothing left to tell a
    company by."""
    if not text:
        return False
    reachable = [True] + [False] * len(text)
    for end in range(1, len(text) + 1):
        reachable[end] = any(
            reachable[start] and text[start:end] in INDUSTRY_WORDS for start in range(max(0, end - 6), end)
        )
    return reachable[-1]


def trade_name(core: str) -> str:
    """The trade name (字号) of a core: its industry words dropped from the end (西湖茶叶贸易 → 西湖)."""
    changed = True
    while changed:
        changed = False
        for length in range(min(6, len(core) - 2), 1, -1):
            if core[-length:] in INDUSTRY_WORDS:
                core, changed = core[:-length], True
                break
    return core


NAME_KEY_LENGTH = 200


@dataclass(frozen=True)
class CompanyName:
    text: str  # the whole name normalized: simplified, half-width, lower case, no punctuation
    core: str  # without region, legal form and branch: what tells companies apart
    regions: tuple[str, ...] = ()  # the region names found, as written (浙江, 杭州)
    places: frozenset[str] = frozenset()  # their adcode prefixes, to tell another city
    legal_form: str = ""
    branch: str = ""  # the branch office or shop (宁波分公司 → 宁波); '' for a head office

    @property
    def key(self) -> str:
        """At most NAME_KEY_LENGTH characters, the stored column's size: a 200-character name can
        normalize into more (full-width forms and ligatures expand), and the stored key and the
        one a look-up computes must be cut the same way to compare equal."""
        return (f"{self.core}#{self.branch}" if self.branch else self.core)[:NAME_KEY_LENGTH]

    @property
    def trade_name(self) -> str:
        return trade_name(self.core)

    @property
    def district_variant(self) -> "tuple[str, tuple[Region, ...]] | None":
        """(core, district) when the core starts with the short name of a district or county
        (余杭恒达贸易 → 恒达贸易, 余杭): written without its city, the district is not stripped
        from the core (it is as often a trade name), but it may still be one."""
        for length in (3, 2):
            regions = tuple(r for r in region_table().get(self.core[:length], ()) if r.level == 3)
            rest = self.core[length:]
            if regions and len(rest) >= 2 and not is_industry_only(rest):
                return rest, regions
        return None


_BRACKETS = re.compile(r"[(\[【〔「<《{]([^()\[\]【】〔〕「」<>《》{}]*)[)\]】〕」>》}]")
_NON_WORD = re.compile(r"[\W_]+")


def _places(regions: list[Region]) -> frozenset[str]:
    return frozenset(region.code for region in regions)


def _leading_regions(text: str, *, keep: int = 2) -> tuple[list[tuple[str, tuple[Region, ...]]], str]:
    """Region names at the start of `text` that belong to the region part, and the rest. Stops
    before the rest would be shorter than `keep` characters or industry words only."""
    found: list[tuple[str, tuple[Region, ...]]] = []
    parents: set[str] = set()
    table = region_table()
    while True:
        for length in region_name_lengths():
            name = text[:length]
            if len(name) < length or name not in table:
                continue
            regions = tuple(region for region in table[name] if _may_strip(region, name, parents))
            if regions:  # 南昌 is the city, not the county of the same name inside it
                top = min(region.level for region in regions)
                regions = tuple(region for region in regions if region.level == top)
            rest = text[length:]
            if regions and len(rest) >= keep and not is_industry_only(rest):
                found.append((name, regions))
                parents = {region.code for region in regions}
                text = rest
                break
        else:
            return found, text


def _whole_region(text: str) -> tuple[Region, ...] | None:
    """The places `text` names when it is nothing but region names (杭州, 浙江杭州)."""
    found, rest = _leading_regions(text, keep=0)
    if found and not rest:
        return tuple(region for _, regions in found for region in regions)
    if text in region_table():
        return region_table()[text]
    return None


def _branch_name(body: str, marker: str) -> tuple[str, str] | None:
    """(head, branch) when `body` + `marker` names a branch office or shop of the company in head."""
    boundary = max((body.rfind(form) + len(form) for form in LEGAL_FORM_SUFFIXES if form in body), default=-1)
    if 0 < boundary < len(body):
        head, name = body[:boundary], body[boundary:]
    else:
        for length in region_name_lengths():
            if 2 <= length <= len(body) - 2 and body[-length:] in region_table():
                head, name = body[:-length], body[-length:]
                break
        else:
            ends = [body.rfind(word) + len(word) for word in INDUSTRY_WORDS if word in body[:-1]]
            boundary = max((end for end in ends if end < len(body)), default=-1)
            if boundary < 2:
                return (body, "") if marker not in ("店", "门店") else None
            head, name = body[:boundary], body[boundary:]
    if marker in ("店", "门店") and (len(name) < 2 or name.endswith(SHOP_KIND_WORDS) or is_industry_only(name)):
        return None
    regions = _whole_region(name)
    if regions:  # 杭州滨江 → 滨江: the most specific place names the branch
        name = regions[-1].short
    return head, name or marker


def _split_branch(text: str) -> tuple[str, str]:
    for marker in BRANCH_MARKERS:
        if text.endswith(marker) and len(text) > len(marker) + 1:
            split = _branch_name(text[: -len(marker)], marker)
            if split is not None:
                return split
    return text, ""


def _strip_legal_forms(text: str) -> tuple[str, str]:
    legal = ""
    for _ in range(3):
        for suffix in LEGAL_FORM_SUFFIXES:
            if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                text, legal = text[: -len(suffix)], suffix + legal
                break
        else:
            break
    return text, legal


@functools.lru_cache(maxsize=200_000)
def parse_company_name(name: str) -> CompanyName:
    """A company name taken apart: 浙江杭州西湖貿易有限公司（寧波分公司） → core 西湖贸易, regions
    浙江 杭州, legal form 有限公司, branch 宁波."""
    from zhconv import convert

    text = convert(unicodedata.normalize("NFKC", name or ""), "zh-cn").lower()
    regions: list[Region] = []
    region_names: list[str] = []
    branch = ""

    def bracket(match) -> str:
        nonlocal branch
        inner = _NON_WORD.sub("", match.group(1))
        if not inner or inner in NATIONAL_WORDS:
            return ""
        if (places := _whole_region(inner)) is not None:
            regions.extend(places)
            region_names.append(inner)
            return ""
        if inner in LEGAL_FORM_SUFFIXES:
            return ""
        for marker in BRANCH_MARKERS:
            if inner.endswith(marker) and len(inner) > len(marker):
                split = _branch_name(inner[: -len(marker)], marker) if marker not in ("店", "门店") else None
                branch_name = inner[: -len(marker)]
                if split is None and not (len(branch_name) >= 2 and not branch_name.endswith(SHOP_KIND_WORDS)):
                    continue
                place = _whole_region(branch_name)
                branch = place[-1].short if place else branch_name
                return ""
        return match.group(0)

    text = _BRACKETS.sub(bracket, text)
    text = _NON_WORD.sub("", text)
    normalized = text
    head, found_branch = _split_branch(text)
    branch = branch or found_branch
    head, legal = _strip_legal_forms(head)
    leading, core = _leading_regions(head)
    for written, places in leading:
        region_names.append(written)
        regions.extend(places)
    return CompanyName(
        text=normalized,
        core=core,
        regions=tuple(region_names),
        places=_places(regions),
        legal_form=legal,
        branch=branch,
    )


def company_name_key(name: str) -> str:
    """The company name reduced to what tells two companies apart: simplified characters,
    half-width, lower case, no punctuation, no region prefix or bracketed region, no legal form;
    a branch office keeps its branch (西湖贸易#宁波). Two names with the same key are the same
    company name written differently, or the same name in different places (see `places`)."""
    return parse_company_name(name).key
