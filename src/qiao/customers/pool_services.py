"""The public pool's writes and rules (CUS-12): claiming within the organization's limit, releasing,
the automatic return of customers nobody follows up or sells to (with a warning beforehand), the
pool settings, and keeping `Customer.last_followed_at` current. Who sees the pool is a view rule of
the permission engine (pool.py); this module decides who moves customers in and out, and records
every move as a PoolEvent."""

import zoneinfo
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.forms import field_error
from qiao.core.history import update_with_history
from qiao.org.models import Department, Organization, User
from qiao.org.services import require_code

from .errors import CustomerError
from .leads import CONTACT_KINDS
from .models import Customer, CustomerSettings, PoolEvent
from .pool import customer_settings, pool_is_open_to


class PoolError(StrEnum):
    """Codes of pool errors that CustomerError does not name yet."""

    ALREADY_IN_POOL = "already_in_pool"
    SETTINGS_INVALID = "pool_settings_invalid"


def pool_visible_to(user):
    """The pool as `user` sees it: customers without an owner that the permission engine shows them
    (the pool's view rule, or a scope that reaches them anyway)."""
    return Customer.objects.visible_to(user).filter(owner__isnull=True)


def held_count_as_system(user) -> int:
    """How many customers `user` owns: the protected customers the claim limit counts."""
    return Customer.objects.filter(org_id=user.org_id, owner_id=user.pk).count()


@transaction.atomic
def customer_claim(*, actor, customer: Customer) -> Customer:
    """The actor becomes the owner of a pool customer and their department its owner department,
    unless the pool is not open to them or they already hold as many customers as the limit allows
    (0: no limit)."""
    if not pool_is_open_to(actor):
        raise ValidationError(
            _("The public pool is not open to your department, so you cannot claim from it."),
            code=CustomerError.POOL_CLOSED,
        )
    if not pool_visible_to(actor).filter(pk=customer.pk).exists():
        from django.http import Http404

        raise Http404
    # Claims by one employee run one after another, so that two at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    if current.owner_id is not None:
        raise ValidationError(
            _("Someone claimed %(customer)s a moment ago; it is no longer in the pool.") % {"customer": current},
            code=CustomerError.NOT_IN_POOL,
        )
    limit = customer_settings(actor.org_id).claim_limit
    held = held_count_as_system(actor)
    if limit and held >= limit:
        raise ValidationError(
            _(
                "You already hold %(held)d customers and the limit is %(limit)d. "
                "Release a customer to the pool before you claim another."
            )
            % {"held": held, "limit": limit},
            code=CustomerError.CLAIM_LIMIT,
        )
    current.owner, current.owner_department_id = actor, actor.department_id
    current.claimed_at = timezone.now()
    current.version += 1
    current.save()
    PoolEvent.objects.create(org_id=current.org_id, customer=current, kind=PoolEvent.Kind.CLAIMED, user=actor)
    return current


def _into_pool(customers: list[Customer], *, user, reason: str) -> None:
    """No owner and no owner department; related employees and departments stay as they were.
    The customers are locked by the caller."""
    update_with_history(
        Customer, customers, {"owner": None, "owner_department": None, "claimed_at": None}, user=user, reason=reason
    )


@transaction.atomic
def customer_release(*, actor, customer: Customer, reason: str = "") -> Customer:
    """The owner (or anyone who may edit the customer) gives it back to the pool."""
    core_services.require(actor, "edit", customer)
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    if current.owner_id is None:
        raise ValidationError(_("This customer is already in the public pool."), code=PoolError.ALREADY_IN_POOL)
    reason = " ".join((reason or "").split())
    if len(reason) > 200:
        raise field_error("reason", _("Keep the reason under 200 characters."), PoolError.ALREADY_IN_POOL)
    _into_pool([current], user=actor, reason=_("Released to the public pool"))
    PoolEvent.objects.create(
        org_id=current.org_id, customer=current, kind=PoolEvent.Kind.RELEASED, user=actor, reason=reason
    )
    return current


# --- Keeping the follow-up date current -----------------------------------------------------------


def customer_followed_up_as_system(*, activity) -> None:
    """An activity about a customer that has taken place (a call, a visit, a note, …) is a follow-up:
    it moves `last_followed_at`, which keeps the customer out of the pool. Called explicitly by
    `activities.services.activity_create`. Bookkeeping, not an edit: no version change, no history."""
    if activity.kind not in CONTACT_KINDS or activity.subject_id is None or activity.starts_at > timezone.now():
        return
    if activity.subject_type_id != ContentType.objects.get_for_model(Customer).pk:
        return
    Customer.objects.filter(pk=activity.subject_id, org_id=activity.org_id).filter(
        Q(last_followed_at__isnull=True) | Q(last_followed_at__lt=activity.starts_at)
    ).update(last_followed_at=activity.starts_at)


# --- Automatic return and its warning -------------------------------------------------------------


def _with_references(queryset):
    """The time each rule counts from: the last follow-up (or the claim, or the creation, whichever
    is later) and the last deal (likewise)."""
    return queryset.annotate(
        follow_up_since=Greatest(Coalesce("last_followed_at", "created_at"), Coalesce("claimed_at", "created_at")),
        deal_since=Greatest(Coalesce("last_deal_at", "created_at"), Coalesce("claimed_at", "created_at")),
    )


@dataclass(frozen=True)
class Rules:
    """One organization's return rules; a rule of 0 days is off."""

    follow_up_days: int
    deal_days: int
    warn_days: int

    @classmethod
    def of(cls, settings: CustomerSettings) -> "Rules":
        return cls(
            settings.return_after_days_without_follow_up,
            settings.return_after_days_without_deal,
            settings.warn_days_before_return,
        )

    def due(self, now, ahead_days: int = 0) -> Q:
        """Customers whose return falls before `now` plus `ahead_days`."""
        condition = Q(pk__in=[])
        if self.follow_up_days:
            condition |= Q(follow_up_since__lt=now - timedelta(days=self.follow_up_days - ahead_days))
        if self.deal_days:
            condition |= Q(deal_since__lt=now - timedelta(days=self.deal_days - ahead_days))
        return condition

    def return_at(self, customer) -> tuple:
        """When `customer` (annotated by `_with_references`) returns, why, and since when the rule
        that returns it first has been counting."""
        dates = []
        if self.follow_up_days:
            since = customer.follow_up_since
            why = _("no follow-up for %(days)d days") % {"days": self.follow_up_days}
            dates.append((since + timedelta(days=self.follow_up_days), why, since))
        if self.deal_days:
            since = customer.deal_since
            dates.append(
                (
                    since + timedelta(days=self.deal_days),
                    _("no deal for %(days)d days") % {"days": self.deal_days},
                    since,
                )
            )
        return min(dates, key=lambda row: row[0]) if dates else (None, "", None)


def returning_soon(*, user, limit: int = 10) -> list[tuple[Customer, object, str]]:
    """The user's own customers that return to the pool within the warning period: (customer,
    date, reason), soonest first — the workbench's "returning to the pool soon"."""
    rules = Rules.of(customer_settings(user.org_id))
    if not rules.warn_days or not (rules.follow_up_days or rules.deal_days):
        return []
    now = timezone.now()
    candidates = _with_references(Customer.objects.visible_to(user).filter(owner_id=user.pk)).filter(
        rules.due(now, ahead_days=rules.warn_days)
    )
    rows = []
    for customer in candidates.order_by("follow_up_since")[:200]:
        when, why, _since = rules.return_at(customer)
        rows.append((customer, when, why))
    rows.sort(key=lambda row: row[1])
    return rows[:limit]


BATCH = 500


def pool_return_due_as_system(*, now=None, organizations=None) -> dict:
    """The scheduled job (customers/tasks.py): in every organization, first record a warning for
    each owned customer that will return within the warning period (once: not again until its
    follow-up or deal moves on), then return to the pool every customer that is due. Each return
    is recorded with its reason and the employee who held it."""
    now = now or timezone.now()
    totals = {"warned": 0, "returned": 0}
    if organizations is None:
        organizations = Organization.objects.filter(is_active=True).order_by("pk")
    for organization in organizations:
        rules = Rules.of(customer_settings(organization.pk))
        if not (rules.follow_up_days or rules.deal_days):
            continue
        zone = zoneinfo.ZoneInfo(organization.time_zone)
        owned = _with_references(Customer.objects.filter(org_id=organization.pk, owner__isnull=False))
        if rules.warn_days:
            totals["warned"] += _warn(owned, rules, now, zone)
        totals["returned"] += _return(owned, rules, now)
    return totals


def _warn(owned, rules: Rules, now, zone) -> int:
    last_warning = PoolEvent.objects.filter(customer=OuterRef("pk"), kind=PoolEvent.Kind.WARNED).order_by("-at")
    candidates = (
        owned.filter(rules.due(now, ahead_days=rules.warn_days))
        .exclude(rules.due(now))
        .annotate(last_warned_at=Subquery(last_warning.values("at")[:1]))
        .select_related("owner")
    )
    events = []
    for customer in candidates.iterator(chunk_size=BATCH):
        when, why, since = rules.return_at(customer)
        if customer.last_warned_at is not None and customer.last_warned_at >= since:
            continue  # warned already since this rule started counting
        events.append(
            PoolEvent(
                org_id=customer.org_id,
                customer=customer,
                kind=PoolEvent.Kind.WARNED,
                user=customer.owner,
                reason=_("Returns to the pool on %(date)s: %(why)s.")
                % {"date": timezone.localtime(when, zone).date().isoformat(), "why": why},
            )
        )
    PoolEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(events)


def _return(owned, rules: Rules, now) -> int:
    due_ids = list(owned.filter(rules.due(now)).values_list("pk", flat=True))
    returned = 0
    for start in range(0, len(due_ids), BATCH):
        with transaction.atomic():
            batch = _with_references(Customer.objects.select_for_update().filter(pk__in=due_ids[start : start + BATCH]))
            due = list(batch.filter(owner__isnull=False).filter(rules.due(now)))
            events = [
                PoolEvent(
                    org_id=customer.org_id,
                    customer=customer,
                    kind=PoolEvent.Kind.RETURNED,
                    user_id=customer.owner_id,
                    reason=_("Returned automatically: %(why)s.") % {"why": rules.return_at(customer)[1]},
                )
                for customer in due
            ]
            _into_pool(due, user=None, reason=_("Returned to the public pool automatically"))
            PoolEvent.objects.bulk_create(events)
            returned += len(due)
    return returned


# --- Settings -------------------------------------------------------------------------------------


@transaction.atomic
def customer_settings_update(*, actor, data: dict, version: int | None = None) -> CustomerSettings:
    """The pool's departments, the claim limit, the return rules and the referral reward; for
    organization admins. Optimistic locking like main objects (NFR-2)."""
    require_code(actor, "org.manage")
    settings = customer_settings(actor.org_id)
    expected = settings.version if version is None else version
    if not CustomerSettings.objects.filter(pk=settings.pk, version=expected).update(version=F("version") + 1):
        raise core_services.StaleVersion
    settings.version = expected + 1
    data = dict(data)
    departments = data.pop("pool_departments", None)
    for name, value in data.items():
        setattr(settings, name, value)
    errors = {}
    if settings.referral_reward_kind == "gift" and not settings.referral_reward_gift.strip():
        errors["referral_reward_gift"] = ValidationError(
            _("Name the gift an introducer receives."), code=PoolError.SETTINGS_INVALID
        )
    if settings.referral_reward_kind == "money" and (settings.referral_reward_amount or 0) <= 0:
        errors["referral_reward_amount"] = ValidationError(
            _("A money reward is more than 0."), code=PoolError.SETTINGS_INVALID
        )
    if errors:
        raise ValidationError(errors)
    settings.full_clean(exclude=["org", "version"])
    settings.save()
    if departments is not None:
        departments = list(departments)
        if any(department.org_id != actor.org_id for department in departments):
            raise field_error("pool_departments", _("Unknown department."), PoolError.SETTINGS_INVALID)
        settings.pool_departments.set(Department.objects.filter(pk__in=[d.pk for d in departments]))
    return settings
