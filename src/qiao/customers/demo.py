"""Demo customers of the distributor: shops, supermarkets and companies across its regions, owned
by the sales teams, some in the public pool, some shared with colleagues."""

from datetime import timedelta

from django.utils import timezone

from qiao.org.models import User

from .models import Customer

CITIES_BY_TEAM = {
    "上海销售一组": ["上海", "上海浦东", "上海闵行"],
    "上海销售二组": ["上海", "上海嘉定", "苏州"],
    "杭州销售组": ["杭州", "宁波", "绍兴"],
    "南京销售组": ["南京", "无锡", "常州"],
    "广州销售组": ["广州", "佛山", "东莞"],
    "深圳销售组": ["深圳", "珠海", "惠州"],
    "北京销售组": ["北京", "廊坊", "保定"],
    "天津销售组": ["天津", "唐山"],
    "渠道与门店发展部": ["合肥", "南昌", "长沙"],
}
WORDS = [
    "华联",
    "永辉",
    "嘉禾",
    "百佳",
    "惠民",
    "金穗",
    "恒通",
    "鑫达",
    "福满",
    "家乐",
    "万和",
    "信诚",
    "瑞丰",
    "安泰",
    "鸿运",
    "聚源",
    "新世纪",
    "好又多",
    "大润",
    "四季",
    "优品",
    "益康",
    "盛世",
    "丰泽",
]
KINDS = ["超市", "便利店", "百货", "商贸", "食品", "连锁超市", "批发部", "贸易", "母婴用品店", "烟酒商行"]
SUFFIXES = ["有限公司", "有限责任公司", "商行", "", "股份有限公司"]


def load(organization, admin, rng, stdout) -> None:
    sellers = list(
        User.objects.filter(org=organization, position__in=["销售代表", "销售组长", "门店督导"]).select_related(
            "department"
        )
    )
    now = timezone.now()
    created = []
    for number in range(400):
        owner = rng.choice(sellers) if rng.random() > 0.1 else None
        team = owner.department.name if owner else rng.choice(list(CITIES_BY_TEAM))
        city = rng.choice(CITIES_BY_TEAM.get(team, ["上海"]))
        kind = rng.choice(KINDS)
        customer = Customer.objects.create(
            org=organization,
            name=f"{city}{rng.choice(WORDS)}{kind}{rng.choice(SUFFIXES) if kind not in ('便利店', '批发部') else ''}",
            phone=f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
            owner=owner,
            owner_department=owner.department if owner else None,
            created_by=owner or admin,
        )
        if owner and rng.random() < 0.2:
            colleagues = [s for s in sellers if s.department_id == owner.department_id and s != owner]
            if colleagues:
                customer.related_users.add(rng.choice(colleagues))
        created.append((customer.pk, now - timedelta(days=rng.randrange(0, 730), minutes=number)))
    for pk, when in created:
        Customer.objects.filter(pk=pk).update(created_at=when)
    stdout.write(f"  {len(created)} customers")
