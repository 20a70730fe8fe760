"""The demo distributor's knowledge base: a category tree and articles a sales and service team
would really keep, a few of them restricted to the roles that need them (PERM-9)."""

from django.utils import translation

from qiao.org.models import Role, User

from . import services
from .models import Category

CATEGORY_TREE = [
    ("产品知识", [("饮料与乳品", []), ("休闲食品", []), ("粮油调味", [])]),
    ("销售技巧", [("新客户开发", []), ("门店陈列", []), ("价格与谈判", [])]),
    ("售后服务", [("退换货", []), ("投诉处理", [])]),
    ("公司制度", [("费用报销", []), ("客户信息安全", [])]),
]

# (category, title, tags, body, roles it is restricted to — by the default roles' English names)
ARTICLES = [
    (
        "产品知识",
        "2026 年主推产品线一览",
        "主推, 新品, 产品线",
        "<h2>今年的三条主推产品线</h2>"
        "<ol><li><strong>低糖茶饮系列</strong>：500ml 与 1L 两种规格，主攻便利店与社区超市。</li>"
        "<li><strong>高端乳品系列</strong>：冷链配送，只进有冷柜的门店。</li>"
        "<li><strong>家庭装零食礼盒</strong>：节前 6 周集中铺货，春节、中秋两个高峰。</li></ol>"
        "<p>每条产品线的详细卖点、陈列要求和价格带见各子分类下的文章。</p>",
        [],
    ),
    (
        "饮料与乳品",
        "低糖茶饮系列卖点与常见问题",
        "茶饮, 低糖, 卖点, FAQ",
        "<h3>卖点</h3><ul><li>每瓶含糖量低于 5g/100ml,可标注“低糖”。</li>"
        "<li>原叶冷泡工艺，口感不苦涩。</li><li>瓶身可回收，符合门店环保陈列要求。</li></ul>"
        "<h3>常见问题</h3><p><strong>问：保质期多久？</strong><br>答：常温 9 个月，开封后冷藏 24 小时内饮用。</p>"
        "<p><strong>问：能否与其他品牌同货架？</strong><br>答：可以，但建议占据视线水平的黄金层。</p>",
        [],
    ),
    (
        "饮料与乳品",
        "高端乳品冷链配送要求",
        "乳品, 冷链, 配送",
        "<p>高端乳品全程 <strong>2–6°C</strong> 冷链，门店收货时须当面测温并在签收单上记录。</p>"
        "<ul><li>温度超出范围：拒收，并在系统中登记异常。</li>"
        "<li>门店冷柜故障：当天通知客服热线组安排回收。</li></ul>",
        [],
    ),
    (
        "休闲食品",
        "家庭装零食礼盒节前铺货方案",
        "礼盒, 春节, 中秋, 铺货",
        "<p>节前 6 周开始铺货，第 1–2 周覆盖重点门店，第 3–4 周补货，最后两周只补畅销款。</p>"
        "<blockquote>经验：礼盒堆头放在收银台附近，转化率比放在货架区高约三成。</blockquote>",
        [],
    ),
    (
        "粮油调味",
        "粮油调味品进货与库存周转建议",
        "粮油, 库存, 周转",
        "<p>粮油类毛利低、周转快，建议门店保持 <strong>7–10 天</strong> 的安全库存。</p>"
        "<p>调味品品类多，按 ABC 分类管理：A 类每周补货，B 类两周一次，C 类按需订货。</p>",
        [],
    ),
    (
        "新客户开发",
        "新门店开发七步法",
        "新客户, 开发, 拜访",
        "<ol><li>圈定商圈，列出目标门店清单。</li><li>首次拜访：了解老板、客流和竞品。</li>"
        "<li>拍摄门头照和老板照片，录入客户档案。</li><li>给出试销方案和首批订单建议。</li>"
        "<li>首单送货并指导陈列。</li><li>两周内回访，看动销。</li><li>转为正式客户，纳入拜访计划。</li></ol>",
        [],
    ),
    (
        "新客户开发",
        "电话邀约话术模板",
        "话术, 电话, 邀约",
        "<p><strong>开场：</strong>“王老板您好，我是华东精品商贸的小李，我们在您附近已经服务了二十多家门店……”</p>"
        "<p><strong>引出需求：</strong>“最近低糖茶饮在社区店卖得很好，您店里现在有这类产品吗？”</p>"
        "<p><strong>约时间：</strong>“我周三下午正好在您那边，方便带样品过去给您看看吗？”</p>",
        [],
    ),
    (
        "门店陈列",
        "门店陈列标准（含图示说明）",
        "陈列, 门店, 标准",
        "<h3>黄金陈列区</h3><p>视线水平（离地 1.2–1.6 米）放主推产品，每个单品至少两个排面。</p>"
        "<h3>价签</h3><p>价签与商品一一对应，促销价用红色价签并标注活动时间。</p>",
        [],
    ),
    (
        "价格与谈判",
        "经销商价格政策与折扣审批权限",
        "价格, 折扣, 审批",
        "<table><thead><tr><th>折扣</th><th>审批人</th></tr></thead><tbody>"
        "<tr><td>95 折以内</td><td>销售组长</td></tr><tr><td>9 折以内</td><td>大区经理</td></tr>"
        "<tr><td>9 折以下</td><td>销售总监</td></tr></tbody></table>"
        "<p>任何折扣都必须在系统中提交审批，口头承诺无效。</p>",
        ["Senior order follower", "Customer-management specialist"],
    ),
    (
        "价格与谈判",
        "重点客户谈判底价（内部）",
        "底价, 谈判, 内部",
        "<p><strong>仅限销售管理人员查看。</strong></p>"
        "<p>重点连锁客户的年度框架协议底价以总部核定为准，区域不得自行突破；"
        "如客户要求低于底价，须提交销售总监与总经理共同审批。</p>",
        ["Senior order follower"],
    ),
    (
        "售后服务",
        "售后服务总则",
        "售后, 服务, 总则",
        "<p>客户来电或上门反映问题，<strong>首问负责</strong>：第一个接到的人负责登记并跟进到底。</p>"
        "<p>一般问题 24 小时内答复，质量问题 48 小时内给出处理方案。</p>",
        [],
    ),
    (
        "退换货",
        "退换货流程与时限",
        "退货, 换货, 流程",
        "<ol><li>门店提出退换货申请，附照片和批号。</li><li>客服核实后在系统中登记。</li>"
        "<li>物流安排上门取货，仓库验收。</li><li>财务在验收后 7 个工作日内冲减应收或退款。</li></ol>"
        "<p>临期（保质期剩余不足三分之一）的商品按促销处理，不办理退货。</p>",
        [],
    ),
    (
        "投诉处理",
        "客户投诉分级与处理时限",
        "投诉, 分级, 时限",
        "<ul><li><strong>一级</strong>（食品安全、媒体曝光风险）：2 小时内上报客服经理和总经理。</li>"
        "<li><strong>二级</strong>（质量问题、配送严重延误）：24 小时内给出方案。</li>"
        "<li><strong>三级</strong>（服务态度、一般咨询）：48 小时内回复。</li></ul>"
        "<p>处理完毕后 3 天内进行满意度回访。</p>",
        [],
    ),
    (
        "费用报销",
        "差旅与客户招待费用报销标准",
        "报销, 差旅, 招待",
        "<p>市内交通按实报销；外地出差住宿标准：一线城市每晚 450 元，其他城市每晚 350 元。</p>"
        "<p>客户招待须事先在系统中申请，人均不超过 200 元，发票抬头为公司全称。</p>",
        [],
    ),
    (
        "客户信息安全",
        "客户信息保密规定",
        "保密, 客户信息, 安全",
        "<p>客户档案、联系人电话和交易记录属于公司商业秘密。</p>"
        "<ul><li>不得将客户资料导出到个人设备或发给外部人员。</li>"
        "<li>离职前须在系统中完成客户交接，交接记录会保留在历史中。</li></ul>",
        [],
    ),
]


def _add_tree(organization, admin, children, parent=None, by_name=None) -> dict[str, Category]:
    by_name = {} if by_name is None else by_name
    for name, grandchildren in children:
        category = services.category_create(actor=admin, name=name, parent=parent)
        by_name[name] = category
        _add_tree(organization, admin, grandchildren, category, by_name)
    return by_name


def _roles_by_english_name(organization) -> dict[str, Role]:
    from qiao.org import role_templates

    with translation.override(None):
        english_names = [str(template["name"]) for template in role_templates.templates()]
    return dict(zip(english_names, organization.roles.order_by("pk"), strict=False))


def load(organization, admin, rng, stdout) -> None:
    by_name = _add_tree(organization, admin, CATEGORY_TREE)
    roles = _roles_by_english_name(organization)
    # The customer-management specialists write the knowledge base in the demo.
    writers = list(
        User.objects.filter(org=organization, roles__name=roles["Customer-management specialist"].name).order_by("pk")
    ) or [admin]
    articles = []
    for index, (category, title, tags, body, role_names) in enumerate(ARTICLES):
        author = writers[index % len(writers)]
        if not author.has_code("knowledge.manage"):
            author = admin
        article = services.article_create(
            actor=author,
            title=title,
            category=by_name[category],
            body=body,
            tags=tags,
            roles=[roles[name] for name in role_names],
        )
        articles.append(article)
    _link_to_customers(organization, admin, articles, rng)
    stdout.write(f"  {len(by_name)} knowledge categories, {len(articles)} articles")


def _link_to_customers(organization, admin, articles, rng) -> None:
    """When the demo has customers, a few of them get related knowledge (PERM-8)."""
    from qiao.customers.models import Customer

    customers = list(Customer.objects.filter(org=organization).order_by("pk")[:12])
    for customer in customers:
        for article in rng.sample(articles, k=min(2, len(articles))):
            services.knowledge_link_add(actor=admin, target=customer, article=article)
