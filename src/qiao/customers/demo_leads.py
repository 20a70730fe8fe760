"""Demo data of leads (LEAD-1 … LEAD-5) and of the public pool's history (CUS-12): leads of the
sales teams in every status, referrals with rewards, a capture form with entries, daily contact
targets, and owned customers followed up lately or about to return to the pool."""

from datetime import timedelta

from django.utils import timezone

from qiao.org.demo import GIVEN_NAMES, SURNAMES

from .demo import demo_sellers, mobile
from .models import Customer

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

    sellers = demo_sellers(organization)
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
            name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
            title=rng.choice(LEAD_TITLES),
            company=rng.choice(LEAD_COMPANIES).format(city=city),
            phone=mobile(rng),  # a valid mobile number, as the customers' demo writes them
            address=f"{city}市{rng.choice(['中山路', '解放路', '人民路', '建设路'])}{rng.randrange(1, 400)}号",
            source=source,
            status=status,
            last_contacted_at=last_contact,
            referred_by_customer=referred_by,
            referred_by_name="" if referred_by or source != "referral" else rng.choice(SURNAMES) + "老板",
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
