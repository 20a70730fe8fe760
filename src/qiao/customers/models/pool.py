"""The public pool (CUS-12), merges (CUS-8) and the organization's customer settings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qiao.core.models import OrgOwned

from .customer import Customer


class CustomerSettings(models.Model):
    """Per organization: who sees the public pool, the claim limit, when customers return to the
    pool, and the referral reward (LEAD-3)."""

    org = models.OneToOneField("org.Organization", on_delete=models.CASCADE, related_name="customer_settings")
    pool_departments = models.ManyToManyField(
        "org.Department",
        verbose_name=_("pool open to departments"),
        blank=True,
        related_name="+",
        help_text=_("Employees of these departments and below see and claim pool customers; none chosen: everyone."),
    )
    claim_limit = models.PositiveSmallIntegerField(_("protected customers per employee"), default=50)
    return_after_days_without_follow_up = models.PositiveSmallIntegerField(
        _("return after days without follow-up"), default=30
    )
    return_after_days_without_deal = models.PositiveSmallIntegerField(_("return after days without a deal"), default=90)
    warn_days_before_return = models.PositiveSmallIntegerField(_("warn days before returning"), default=3)
    referral_reward_kind = models.CharField(
        _("referral reward"), max_length=8, choices=[("money", _("Money")), ("gift", _("Gift"))], default="money"
    )
    referral_reward_amount = models.DecimalField(
        _("referral reward amount (CNY)"), max_digits=12, decimal_places=2, default=200
    )
    referral_reward_gift = models.CharField(_("referral gift"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("customer settings")
        verbose_name_plural = _("customer settings")

    def __str__(self) -> str:
        return str(self.org)


class PoolEvent(OrgOwned):
    """A customer entering or leaving the pool, or warned that it will (CUS-12: recorded)."""

    class Kind(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        RELEASED = "released", _("Released to the pool")
        RETURNED = "returned", _("Returned automatically")
        WARNED = "warned", _("Warned of return")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="pool_events")
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pool event")
        verbose_name_plural = _("pool events")
        ordering = ["-at", "-pk"]


class CustomerMerge(OrgOwned):
    """CUS-8: one customer merged into another. `moves` lists every row that was moved so that the
    merge can be undone exactly."""

    survivor = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges_received")
    merged = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges_given")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    moves = models.JSONField(default=dict)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        ordering = ["-merged_at", "-pk"]
