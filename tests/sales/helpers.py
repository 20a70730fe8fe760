"""Building blocks of the opportunity tests."""

import datetime as dt

from django.utils import timezone

from qiao.sales.matching import registration_keys
from qiao.sales.models import Opportunity, OpportunityStatus, Stage

REGISTRATION = {
    "customer_name": "杭州西湖茶叶有限公司",
    "contact_name": "周先生",
    "phone": "13912345678",
    "source": "trade_show",
    "region": "浙江杭州",
    "description": "展会上认识，想给十二家门店上收银系统",
}


def stage(organization, code: str) -> Stage:
    return Stage.objects.get(org=organization, code=code)


def opportunity(
    organization,
    owner,
    *,
    status=OpportunityStatus.APPROVED,
    stage_code: str = "target",
    amount=None,
    expected_close_date: dt.date | None = None,
    related_users=(),
    days_in_stage: int = 0,
    **fields,
) -> Opportunity:
    """An opportunity in the given state, written directly (for setting up a test, not under test)."""
    data = {**REGISTRATION, **fields}
    now = timezone.now()
    current = stage(organization, stage_code)
    record = Opportunity.objects.create(
        org=organization,
        owner=owner,
        owner_department=owner.department if owner else None,
        created_by=owner,
        status=status,
        stage=current,
        amount=amount,
        expected_close_date=expected_close_date,
        stage_entered_at=now - dt.timedelta(days=days_in_stage),
        registered_at=now if status in (OpportunityStatus.APPROVED, "won", "lost") else None,
        max_stage_position=current.position,
        **dict(
            zip(
                ("name_key", "phone_digits"),
                registration_keys(customer_name=data["customer_name"], phone=data["phone"]),
                strict=True,
            )
        ),
        **data,
    )
    record.related_users.set(related_users)
    return record


def archived_customer(organization, *, owner=None, **fields):
    """A customer as the archive keeps it: with the normalized phones and the name and phone keys
    that duplicate detection looks up (customers/services.py's prepare hook)."""
    from qiao.customers.services import prepare_customer
    from tests.permissions_helpers import customer

    record = customer(organization, owner=owner, **fields)
    prepare_customer(record)
    record.save()
    return record
