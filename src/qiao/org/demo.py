"""The demo distributor's department tree and employees (Chinese names, real-looking phones)."""

from datetime import timedelta

from django.utils import timezone
from pypinyin import lazy_pinyin

from .models import Department, User

DEMO_PASSWORD = "Qiao-demo-2026"

# (department, [sub-departments …]) — a distributor that sells to many downstream shops.
DEPARTMENT_TREE = [
    ("总经办", []),
    (
        "销售中心",
        [
            (
                "华东大区",
                [("上海销售一组", []), ("上海销售二组", []), ("杭州销售组", []), ("南京销售组", [])],
            ),
            ("华南大区", [("广州销售组", []), ("深圳销售组", [])]),
            ("华北大区", [("北京销售组", []), ("天津销售组", [])]),
            ("渠道与门店发展部", []),
        ],
    ),
    ("客户服务中心", [("客服热线组", []), ("投诉处理组", []), ("售后技术支持组", [])]),
    ("市场部", []),
    ("财务部", [("应收账款组", [])]),
    ("人力行政部", []),
    ("仓储物流部", []),
]

# (department, position, how many); the first person listed for a team is its lead.
STAFFING = [
    ("总经办", "总经理", 1),
    ("总经办", "总经理助理", 1),
    ("销售中心", "销售总监", 1),
    ("销售中心", "销售助理", 2),
    ("华东大区", "大区经理", 1),
    ("华南大区", "大区经理", 1),
    ("华北大区", "大区经理", 1),
    ("上海销售一组", "销售组长", 1),
    ("上海销售一组", "销售代表", 4),
    ("上海销售二组", "销售组长", 1),
    ("上海销售二组", "销售代表", 3),
    ("杭州销售组", "销售组长", 1),
    ("杭州销售组", "销售代表", 3),
    ("南京销售组", "销售组长", 1),
    ("南京销售组", "销售代表", 2),
    ("广州销售组", "销售组长", 1),
    ("广州销售组", "销售代表", 3),
    ("深圳销售组", "销售组长", 1),
    ("深圳销售组", "销售代表", 2),
    ("北京销售组", "销售组长", 1),
    ("北京销售组", "销售代表", 3),
    ("天津销售组", "销售代表", 2),
    ("渠道与门店发展部", "渠道经理", 1),
    ("渠道与门店发展部", "门店督导", 3),
    ("客户服务中心", "客服经理", 1),
    ("客服热线组", "呼叫中心坐席", 4),
    ("投诉处理组", "投诉专员", 2),
    ("售后技术支持组", "售前技术支持", 2),
    ("售后技术支持组", "售后工程师", 2),
    ("市场部", "市场经理", 1),
    ("市场部", "市场信息专员", 2),
    ("财务部", "财务经理", 1),
    ("财务部", "会计", 1),
    ("应收账款组", "应收专员", 2),
    ("人力行政部", "人事行政经理", 1),
    ("人力行政部", "行政专员", 1),
    ("仓储物流部", "仓储主管", 1),
    ("仓储物流部", "物流专员", 2),
    ("销售中心", "实习生", 2),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
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
    "文博",
    "子涵",
    "欣怡",
    "浩然",
    "梓轩",
    "雨桐",
    "思远",
    "晓东",
    "海燕",
    "志强",
    "春梅",
    "国庆",
    "立新",
    "嘉怡",
    "一鸣",
    "宇航",
    "佳琪",
    "俊杰",
    "婷婷",
    "鹏飞",
    "晨曦",
    "慧敏",
    "振华",
    "红梅",
    "学军",
    "丹",
    "凯",
    "琳",
    "颖",
    "斌",
    "倩",
    "辉",
    "玲",
    "博",
    "瑶",
    "帆",
    "昊天",
]


def _username(full_name: str, taken: set[str]) -> str:
    base = "".join(lazy_pinyin(full_name))
    username, n = base, 2
    while username in taken:
        username, n = f"{base}{n}", n + 1
    taken.add(username)
    return username


def _add_children(parent: Department, children, by_name: dict[str, Department]) -> None:
    for name, grandchildren in children:
        department = Department.objects.add_child(parent, {"org": parent.org, "name": name})
        by_name[name] = department
        _add_children(department, grandchildren, by_name)


def load(organization, admin, rng, stdout) -> None:
    root = organization.root_department
    by_name = {root.name: root}
    _add_children(root, DEPARTMENT_TREE, by_name)

    taken = set(User.objects.values_list("username", flat=True))
    used_names: set[str] = set()
    now = timezone.now()
    people = []
    for department_name, position, count in STAFFING:
        for _ in range(count):
            while True:
                full_name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
                if full_name not in used_names:
                    used_names.add(full_name)
                    break
            user = User(
                org=organization,
                department=by_name[department_name],
                username=_username(full_name, taken),
                full_name=full_name,
                position=position,
                phone=f"1{rng.choice('3456789')}{rng.randrange(10**8, 10**9)}",
                date_joined=now - timedelta(days=rng.randrange(0, 6 * 365)),
            )
            user.email = f"{user.username}@demo.qiao-crm.cn"
            people.append(user)
    # One hashing for everyone: Argon2 is deliberately slow, and the demo should start quickly.
    probe = User()
    probe.set_password(DEMO_PASSWORD)
    for user in people:
        user.password = probe.password
    User.objects.bulk_create(people)
    _assign_roles(organization, admin)
    stdout.write(f"  {len(by_name)} departments, {len(people) + 1} employees")


# Which default role (by its English template name) each position gets in the demo.
ROLE_BY_POSITION = {
    "总经理": "CRM supervisor",
    "销售总监": "Senior order follower",
    "大区经理": "Senior order follower",
    "销售组长": "Senior order follower",
    "销售代表": "Sales representative",
    "销售助理": "Customer-management specialist",
    "渠道经理": "Customer-management specialist",
    "门店督导": "Sales representative",
    "客服经理": "Call-centre agent",
    "呼叫中心坐席": "Call-centre agent",
    "投诉专员": "Call-centre agent",
    "售前技术支持": "Pre-sales support",
    "售后工程师": "Pre-sales support",
    "市场经理": "Market-information specialist",
    "市场信息专员": "Market-information specialist",
    "实习生": "Intern",
}


def _assign_roles(organization, admin) -> None:
    from django.utils import translation

    from . import role_templates

    with translation.override(None):
        english_names = [str(template["name"]) for template in role_templates.templates()]
    roles = dict(zip(english_names, organization.roles.order_by("pk"), strict=True))
    for user in User.objects.filter(org=organization).exclude(pk=admin.pk):
        role = roles.get(ROLE_BY_POSITION.get(user.position, "Intern"))
        user.roles.add(role)


def demo_logins(organization) -> list[tuple[str, str, str, str]]:
    """(username, password, name, position) of the people worth logging in as."""
    wanted = ["总经理", "销售总监", "大区经理", "销售组长", "销售代表", "客服经理", "实习生"]
    rows = []
    for position in wanted:
        user = (
            User.objects.filter(org=organization, position=position, is_active=True)
            .select_related("department")
            .order_by("pk")
            .first()
        )
        if user:
            rows.append((user.username, DEMO_PASSWORD, user.full_name, f"{user.department.name} · {position}"))
    return rows
