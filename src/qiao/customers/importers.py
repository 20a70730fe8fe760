"""The customer import (CUS-7): which columns a customer spreadsheet may have, the Chinese and
English headers people give them, the birthday column, batch address parsing, and the duplicate
check against existing customers and earlier rows (CUS-8, customers/dedupe/).

Everything a saved customer goes through — phone normalization, the credit-code checksum, the
birthday rules, pinyin and duplicate keys — is `prepare_customer` (customers/services.py), which
core's import runs on every row exactly as the generic pages and the API do."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core.imports import Importer, ImportField, ImportProblem, parse_date

from . import chinese, dedupe
from .models import Customer

EXAMPLE_USCC = "91330106MA2B3C4D5" + chinese.uscc_check_character("91330106MA2B3C4D5")
MONTH_DAY = re.compile(r"^(闰)?\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
YEAR_MONTH_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(闰)?\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
LUNAR_MARKERS = ("农历", "阴历", "旧历")


def parse_birthday(importer, value, text: str, context) -> dict:
    """A birthday as people write it: a date cell, 1980-05-12, 1980年5月12日, or without the year
    05-12 / 5月12日; “农历” in front makes it lunar and “闰” marks a leap month (闰4月8日)."""
    written = unicodedata.normalize("NFKC", text).strip()
    values = {}
    if written.startswith(LUNAR_MARKERS):
        values["birthday_calendar"] = "lunar"
        written = written[2:].strip()
    if match := YEAR_MONTH_DAY.match(written):
        year, leap, month, day = match.groups()
        values.update(birthday_year=int(year), birthday_month=int(month), birthday_day=int(day))
    elif match := MONTH_DAY.match(written):
        leap, month, day = match.groups()
        values.update(birthday_month=int(month), birthday_day=int(day))
    elif not isinstance(value, str):
        day = parse_date(value, text)  # a date cell
        return {"birthday_year": day.year, "birthday_month": day.month, "birthday_day": day.day}
    else:
        raise ValidationError(
            _("“%(value)s” is not a birthday. Write it like 1980-05-12, 5月12日 or 农历八月十五 as 农历8月15日.")
            % {"value": text},
            code=ImportProblem.INVALID_DATE,
        )
    if leap:
        values["birthday_leap_month"] = True
    if not 1 <= values["birthday_month"] <= 12 or not 1 <= values["birthday_day"] <= 31:
        raise ValidationError(
            _("“%(value)s” is not a date: there is no month %(month)d, day %(day)d.")
            % {"value": text, "month": values["birthday_month"], "day": values["birthday_day"]},
            code=ImportProblem.INVALID_DATE,
        )
    return values


# The words of the requirement documents (seeds) and of Chinese spreadsheets for each choice, so a
# file written in Chinese maps whatever the page's translation of the label says.
SOURCE_WORDS = (
    ("熟人", "acquaintance"),
    ("亲友", "acquaintance"),
    ("朋友介绍", "referral"),
    ("转介绍", "referral"),
    ("推荐", "referral"),
    ("介绍", "referral"),
    ("公司名录", "company_list"),
    ("名录", "company_list"),
    ("协会", "association"),
    ("商会", "association"),
    ("展会", "trade_show"),
    ("展销会", "trade_show"),
    ("电话", "phone"),
    ("电话营销", "phone"),
    ("报纸", "media"),
    ("媒体", "media"),
    ("网络", "internet"),
    ("互联网", "internet"),
    ("网上黄页", "internet"),
    ("上门", "walk_in"),
    ("自然到店", "walk_in"),
    ("前任移交", "handover"),
    ("交接", "handover"),
    ("其他", "other"),
)
SIZE_WORDS = (
    ("大", "large"),
    ("大型", "large"),
    ("中", "medium"),
    ("中型", "medium"),
    ("小", "small"),
    ("小型", "small"),
)
COOPERATION_WORDS = (
    ("正常", "normal"),
    ("业绩较低", "low_performance"),
    ("业绩低", "low_performance"),
    ("存在问题", "has_problems"),
    ("有问题", "has_problems"),
    ("未合作", "not_cooperating"),
    ("不合作", "not_cooperating"),
)
NATURE_WORDS = (
    ("政府机构", "government"),
    ("政府机关", "government"),
    ("政府采购", "government"),
    ("特殊业务公司", "special_business"),
    ("特殊业务", "special_business"),
    ("普通公司", "company"),
    ("普通企业", "company"),
    ("顾客", "consumer"),
    ("消费者", "consumer"),
    ("个人", "consumer"),
    ("合作伙伴", "partner"),
)
VOLUME_WORDS = (("主力客户", "key"), ("主力", "key"), ("重点客户", "key"), ("一般客户", "general"), ("一般", "general"))
VOLUME_WORDS += (("零散客户", "scattered"), ("零散", "scattered"))
TENURE_WORDS = (("老客户", "old"), ("新客户", "new"), ("未来客户", "future"), ("潜在客户", "future"))
VALUE_WORDS = (
    ("高价值", "high"),
    ("高", "high"),
    ("中价值", "medium"),
    ("中", "medium"),
    ("低价值", "low"),
    ("低", "low"),
)
LIFECYCLE_WORDS = (
    ("潜在", "prospect"),
    ("潜在客户", "prospect"),
    ("新客户", "new"),
    ("新", "new"),
    ("活跃", "active"),
    ("忠诚", "active"),
    ("有流失风险", "at_risk"),
    ("风险", "at_risk"),
    ("流失", "lost"),
    ("已流失", "lost"),
)
CHANNEL_WORDS = (("电话", "phone"), ("短信", "sms"), ("邮件", "email"), ("电子邮件", "email"), ("微信", "wechat"))
CHANNEL_WORDS += (("拜访", "visit"), ("上门拜访", "visit"))
CALENDAR_WORDS = (("公历", "solar"), ("阳历", "solar"), ("新历", "solar"), ("农历", "lunar"), ("阴历", "lunar"))
GENDER_WORDS = (("男", "male"), ("女", "female"), ("先生", "male"), ("女士", "female"), ("m", "male"), ("f", "female"))


class CustomerImporter(Importer):
    model = Customer
    url_namespace = "customers"
    preview_fields = ["name", "phone", "mobile", "unified_social_credit_code", "province", "city", "district", "owner"]
    fields = [
        ImportField(
            "name",
            required=True,
            aliases=("客户名称", "公司名称", "企业名称", "单位名称", "门店名称", "店名", "客户", "customer", "company"),
            example="杭州西湖龙井茶叶有限公司",
        ),
        ImportField("short_name", aliases=("简称", "客户简称")),
        ImportField(
            "unified_social_credit_code",
            aliases=("信用代码", "社会信用代码", "统一信用代码", "税号", "纳税人识别号", "uscc", "credit code"),
            example=EXAMPLE_USCC,
        ),
        ImportField(
            "phone", aliases=("联系电话", "固定电话", "座机", "电话号码", "telephone", "tel"), example="0571 8888 6666"
        ),
        ImportField(
            "mobile", aliases=("手机", "手机号", "手机号码", "移动电话", "mobile phone"), example="138 1234 5678"
        ),
        ImportField("email", aliases=("邮箱", "电子邮箱", "电子邮件", "email", "mail"), example="tea@example.cn"),
        ImportField("wechat", aliases=("微信", "微信号")),
        ImportField("website", aliases=("网站", "网址", "官网", "url")),
        ImportField(
            "preferred_channel",
            aliases=("首选联系方式", "联系方式偏好", "preferred channel"),
            choice_aliases=CHANNEL_WORDS,
        ),
        ImportField(
            "address",
            aliases=("详细地址", "公司地址", "门店地址", "经营地址", "地址"),
            example="浙江省杭州市西湖区龙井路 1 号",
        ),
        ImportField("province", aliases=("省", "省份")),
        ImportField("city", aliases=("市", "城市")),
        ImportField("district", aliases=("区", "区县", "县区")),
        ImportField("street", aliases=("街道",)),
        ImportField("latitude", aliases=("纬度", "lat")),
        ImportField("longitude", aliases=("经度", "lng", "lon")),
        ImportField(
            "source",
            aliases=("来源", "客户来源"),
            choice_aliases=SOURCE_WORDS,
            example=gettext_lazy("Trade show"),
        ),
        ImportField("industry", aliases=("行业", "所属行业"), example="茶叶"),
        ImportField("size", aliases=("规模", "企业规模", "客户规模"), choice_aliases=SIZE_WORDS),
        ImportField("nature", aliases=("性质", "客户性质", "企业性质"), choice_aliases=NATURE_WORDS),
        ImportField("cooperation_status", aliases=("合作状态", "合作情况"), choice_aliases=COOPERATION_WORDS),
        ImportField("volume", aliases=("客户量级", "交易量", "量级"), choice_aliases=VOLUME_WORDS),
        ImportField("tenure", aliases=("新老客户", "客户类别"), choice_aliases=TENURE_WORDS),
        ImportField("abc_class", aliases=("abc分类", "abc类", "abc", "客户等级")),
        ImportField("value_tier", aliases=("价值等级", "客户价值"), choice_aliases=VALUE_WORDS),
        ImportField("lifecycle", aliases=("生命周期", "生命周期阶段"), choice_aliases=LIFECYCLE_WORDS),
        ImportField("boss_name", aliases=("老板", "老板姓名", "关键人", "店主")),
        ImportField("boss_gender", aliases=("性别", "老板性别"), choice_aliases=GENDER_WORDS),
        ImportField("boss_family", aliases=("家庭", "家庭情况")),
        ImportField("boss_occupation", aliases=("职业",)),
        ImportField("boss_income_band", aliases=("收入", "收入水平")),
        ImportField("boss_education", aliases=("学历", "教育程度")),
        ImportField("boss_personality", aliases=("性格", "沟通风格")),
        ImportField("boss_hobbies", aliases=("爱好", "兴趣爱好")),
        ImportField("boss_social_network", aliases=("社会关系", "人脉")),
        ImportField(
            "birthday",
            label=gettext_lazy("birthday"),
            aliases=("生日", "出生日期", "老板生日", "date of birth"),
            help_text=gettext_lazy(
                "The boss's birthday: 1980-05-12, 1980年5月12日, or without the year 5月12日. "
                "Write 农历 in front of a lunar birthday (农历8月15日) and 闰 before a leap month."
            ),
            parse=parse_birthday,
            targets=("birthday_year", "birthday_month", "birthday_day", "birthday_leap_month"),
            example="1975-08-15",
        ),
        ImportField("birthday_calendar", aliases=("历法", "生日历法"), choice_aliases=CALENDAR_WORDS),
        ImportField("capital_strength", aliases=("资金实力",)),
        ImportField("budget", aliases=("预算", "预算(元)"), example="50000"),
        ImportField("sales_status", aliases=("销售状况", "经营状况")),
        ImportField("payment_record", aliases=("付款记录", "回款记录", "信用记录")),
        ImportField("management_level", aliases=("管理水平",)),
        ImportField("notes", aliases=("备注", "说明", "remarks", "memo"), example="老客户介绍"),
        ImportField(
            "owner",
            aliases=("负责人", "业务员", "销售", "销售员", "客户经理", "所属员工", "跟进人"),
            help_text=gettext_lazy(
                "The employee who looks after the customer: their username or full name. Empty: you. "
                "You can name only employees whose customers you may edit."
            ),
        ),
    ]

    def prepare_batch(self, records: list) -> None:
        """Parses the addresses of a whole batch in one call of the offline parser (about 8 µs a
        row, against 0.6 ms one by one) and fills province, city, district, street and the map
        position exactly as customers/services.py::fill_address would, which then has nothing
        left to do (tests/customers/test_customer_import.py compares the two)."""
        pending = [record for record in records if record.address and not (record.province and record.city)]
        if not pending:
            return
        for record, parsed in zip(
            pending, chinese.parse_addresses([record.address for record in pending]), strict=True
        ):
            record.province, record.city = record.province or parsed.province, record.city or parsed.city
            record.district = record.district or parsed.district
            record.street = record.street or parsed.street
            if record.latitude is None and record.longitude is None:
                location = chinese.approximate_location(parsed)
                if location:
                    record.latitude, record.longitude = location

    def duplicate_row(self, record) -> dict:
        return {
            "name": record.name,
            "phone": record.phone,
            "mobile": record.mobile,
            "unified_social_credit_code": record.unified_social_credit_code,
            "province": record.province,
            "city": record.city,
            "district": record.district,
            "street": record.street,
        }

    def find_duplicates(self, *, org_id: int, rows: list[dict]) -> list[list]:
        return dedupe.match_many_as_system(org_id=org_id, rows=rows)

    def matches_for_user(self, user, matches: list) -> list[dict]:
        return dedupe.matches_for_user(user, matches)


customer_importer = CustomerImporter()
