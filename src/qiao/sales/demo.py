"""Demo opportunities of the distributor, made through the same services people use: registered
by the reps for their customers, reviewed by their team leads, moved through every stage, some won
with their contracts, some lost to a competitor; a few waiting for review, returned or kept as
drafts; and a few second registrations of a colleague's customer that failed with a clash (撞单),
one of them overridden by the administrator. Dates are then spread over the past months, as a
live system would have them."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from qiao.customers.models import Customer
from qiao.org.models import User

from . import notifications, services
from .models import Opportunity, OpportunityEvent, OpportunityStatus, Stage, StageKind

Status = OpportunityStatus
DEALS = [
    "门店收银系统",
    "年度供货框架",
    "冷链配送",
    "新品进店",
    "会员系统升级",
    "节日礼盒团购",
    "货架改造",
    "自有品牌代工",
]
DESCRIPTIONS = [
    "老客户介绍，老板想把十几家门店的收银统一起来。",
    "展会上留了名片，对方采购经理主动联系，想谈年度框架。",
    "电话回访时得知对方在比较几家供应商。",
    "对方新开三家门店，需要整店供货方案。",
    "行业协会活动认识，对方对我们的自有品牌感兴趣。",
]
COMPETITORS = [
    ("华润万家供应链", "价格低，账期长", "服务响应慢"),
    ("美宜佳配送", "网点多", "品类少"),
    ("本地批发商老陈", "关系好，送货快", "没有系统，开票不规范"),
]
LOST_REASONS = ["价格没谈拢", "客户预算取消", "竞争对手给了更长账期", "决策人换了，项目搁置"]
SOURCES = ["referral", "trade_show", "phone", "association", "acquaintance", "internet"]


def _reviewer(opportunity: Opportunity) -> User | None:
    people = [user for user in notifications.reviewers_as_system(opportunity) if user.pk != opportunity.owner_id]
    people.sort(key=lambda user: (-len(user.department.path), user.pk))  # the nearest lead first
    return people[0] if people else None


def _register(rep: User, customer: Customer, rng, *, amount: int, submit: bool = True) -> Opportunity:
    return services.opportunity_register(
        actor=rep,
        data={
            "customer": customer,
            "title": f"{customer.name[:12]} · {rng.choice(DEALS)}",
            "contact_name": rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(["先生", "女士", "经理", "总"]),
            "source": customer.source or rng.choice(SOURCES),
            "region": customer.city or customer.province or rep.department.name.replace("销售组", ""),
            "description": rng.choice(DESCRIPTIONS),
            "amount": Decimal(amount),
        },
        submit=submit,
    )


def load(organization, admin, rng, stdout) -> None:
    stages = {stage.code: stage for stage in Stage.objects.filter(org=organization)}
    open_stages = [stage for stage in stages.values() if stage.kind == StageKind.OPEN]
    open_stages.sort(key=lambda stage: stage.position)
    reps = list(
        User.objects.filter(org=organization, position__in=["销售代表", "销售组长"])
        .select_related("department")
        .order_by("pk")
    )
    owned = {}
    for customer in Customer.objects.filter(org=organization, owner__in=reps).order_by("pk"):
        owned.setdefault(customer.owner_id, []).append(customer)
    reps = [rep for rep in reps if owned.get(rep.pk)]
    today = timezone.localdate()
    counts = {status: 0 for status in Status.values}
    contract_number = 0
    made = []
    for index in range(72):
        rep = reps[index % len(reps)]
        customers = owned[rep.pk]
        if not customers:
            continue
        customer = customers.pop(rng.randrange(len(customers)))
        amount = rng.choice([8, 12, 18, 25, 36, 50, 68, 88, 120, 160, 240]) * 1000
        draft = index % 24 == 5
        opportunity = _register(rep, customer, rng, amount=amount, submit=not draft)
        made.append(opportunity)
        if opportunity.status != Status.SUBMITTED:
            continue
        reviewer = _reviewer(opportunity)
        if reviewer is None or index % 12 == 7:  # waiting for review
            continue
        if index % 18 == 4:
            services.opportunity_return(
                actor=reviewer, opportunity=opportunity, reason="联系人电话打不通，请核实后再提交。"
            )
            continue
        opportunity = services.opportunity_approve(actor=reviewer, opportunity=opportunity)
        if opportunity.status != Status.APPROVED:
            continue
        target = open_stages[min(int(rng.random() ** 0.8 * len(open_stages)), len(open_stages) - 1)]
        for stage in open_stages[1 : open_stages.index(target) + 1]:
            opportunity = services.opportunity_move_stage(actor=rep, opportunity=opportunity, stage=stage)
        if open_stages.index(target) >= 2 and rng.random() < 0.6:
            name, strengths, weaknesses = rng.choice(COMPETITORS)
            services.competitor_save(
                actor=rep,
                opportunity=opportunity,
                data={"name": name, "strengths": strengths, "weaknesses": weaknesses},
            )
        opportunity = services.opportunity_update(
            actor=rep,
            opportunity=opportunity,
            data={"expected_close_date": today + dt.timedelta(days=rng.randrange(5, 170))},
        )
        roll = rng.random()
        if target.code == "negotiating" and roll < 0.55:
            contract_number += 1
            opportunity, _contract = services.opportunity_mark_won(
                actor=rep,
                opportunity=opportunity,
                contract={
                    "number": f"HT-{today.year}-{contract_number:04d}",
                    "title": str(opportunity),
                    "amount": Decimal(amount) * Decimal(rng.choice(["0.9", "0.95", "1", "1.05"])),
                    "sign_date": today - dt.timedelta(days=rng.randrange(0, 90)),
                    "start_date": today - dt.timedelta(days=rng.randrange(0, 30)),
                    "end_date": today + dt.timedelta(days=365),
                    "terms": "货到验收后 30 天内付款；质保一年。",
                },
            )
        elif open_stages.index(target) >= 1 and roll > 0.75:
            opportunity = services.opportunity_mark_lost(
                actor=rep,
                opportunity=opportunity,
                reason=rng.choice(LOST_REASONS),
                competitor_name=rng.choice(COMPETITORS)[0],
            )
    # Second registrations of a colleague's customer: they fail with a clash (OPP-3).
    registered = [o for o in made if o.status in (Status.APPROVED, Status.SUBMITTED)]
    clashes = []
    for original in registered[:5]:
        colleague = next((rep for rep in reps if rep.pk != original.owner_id and owned.get(rep.pk) is not None), None)
        if colleague is None:
            continue
        clash = services.opportunity_register(
            actor=colleague,
            data={
                "customer_name": original.customer_name,
                "contact_name": "新联系人",
                "phone": original.phone,
                "source": "phone",
                "region": original.region,
                "description": "陌生拜访时发现的需求。",
            },
        )
        clashes.append(clash)
    if clashes and clashes[0].status == Status.CLASH:
        services.opportunity_override_clash(
            actor=admin, opportunity=clashes[0], reason="原负责人已调岗，客户同意由新销售跟进。"
        )
    _spread_dates(organization, rng)
    for status in Opportunity.objects.filter(org=organization).values_list("status", flat=True):
        counts[status] += 1
    shown = ", ".join(f"{count} {Status(status).label}" for status, count in counts.items() if count)
    stdout.write(f"  {sum(counts.values())} opportunities ({shown}), {contract_number} contracts")


def _spread_dates(organization, rng) -> None:
    """Registration and stage dates over the past months (the services stamped them all "now"),
    so that time in stage, ageing reminders and the reports look like a working team's."""
    now = timezone.now()
    for opportunity in Opportunity.objects.filter(org=organization).order_by("pk"):
        created = now - dt.timedelta(days=rng.randrange(20, 200), hours=rng.randrange(0, 24))
        entered = created + (now - created) * rng.uniform(0.3, 0.95)
        fields = {"created_at": created, "stage_entered_at": entered if opportunity.stage_entered_at else None}
        if opportunity.registered_at:
            fields["registered_at"] = created + dt.timedelta(days=rng.randrange(0, 3))
        if opportunity.closed_at:
            fields["closed_at"] = entered
        if opportunity.submitted_at:
            fields["submitted_at"] = created
        Opportunity.objects.filter(pk=opportunity.pk).update(**fields)
        events = OpportunityEvent.objects.filter(opportunity=opportunity).order_by("at", "pk")
        count = events.count()
        for number, event in enumerate(events):
            OpportunityEvent.objects.filter(pk=event.pk).update(
                at=created + (entered - created) * (number + 1) / (count + 1)
            )
