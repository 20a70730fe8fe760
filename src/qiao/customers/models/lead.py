"""Leads (LEAD-1 … LEAD-5): prospects before they are customers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qiao.core.models import MainObject, OrgOwned, SearchKeyField

from ..chinese import NAME_KEY_LENGTH
from . import choices
from .customer import Customer


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified (准目标)")
    HOT = "hot", _("Hot (热点)")
    CONVERTED = "converted", _("Converted")
    DISQUALIFIED = "disqualified", _("Disqualified")


class CaptureForm(OrgOwned):
    """LEAD-4: a public web form (a trade show stand, a QR code) that creates leads for its owner."""

    title = models.CharField(_("title"), max_length=100)
    token = models.CharField(max_length=32, unique=True, editable=False)
    introduction = models.TextField(_("introduction"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leads go to"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=20, choices=choices.Source.choices, default="trade_show")
    is_active = models.BooleanField(_("accepting entries"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lead capture form")
        verbose_name_plural = _("lead capture forms")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Lead(MainObject):
    name = models.CharField(_("name"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    province = models.CharField(_("province"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=32, blank=True)
    district = models.CharField(_("district"), max_length=32, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=choices.Source.choices, default="other")
    status = models.CharField(_("status"), max_length=16, choices=LeadStatus.choices, default="new", db_index=True)
    follow_up_days = models.PositiveSmallIntegerField(_("follow up every (days)"), default=7)
    next_follow_up_at = models.DateField(_("next follow-up"), null=True, blank=True)
    last_contacted_at = models.DateTimeField(_("last contacted"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    # LEAD-3: who introduced the lead — a customer, or a person named in free text
    referred_by_customer = models.ForeignKey(
        Customer,
        verbose_name=_("referred by customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_leads",
    )
    referred_by_name = models.CharField(_("referred by"), max_length=100, blank=True)

    capture_form = models.ForeignKey(CaptureForm, on_delete=models.SET_NULL, null=True, blank=True, editable=False)
    converted_customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True, editable=False)
    disqualified_reason = models.CharField(_("reason"), max_length=200, blank=True, editable=False)

    name_pinyin = SearchKeyField(max_length=400)
    name_initials = SearchKeyField(max_length=200)
    name_key = SearchKeyField(max_length=NAME_KEY_LENGTH)
    phone_digits = models.CharField(max_length=80, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=["related_users", "related_departments"])

    class Meta(MainObject.Meta):
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-pk"]
        indexes = [
            *MainObject.Meta.indexes,
            models.Index(fields=["org", "name_key"], name="customers_lead_name_key"),
            models.Index(fields=["org", "phone"], name="customers_lead_phone"),
        ]

    def __str__(self) -> str:
        return self.name


class ReferralReward(OrgOwned):
    """LEAD-3: the reward due to whoever introduced a lead that became a sale, until it is paid."""

    class Kind(models.TextChoices):
        MONEY = "money", _("Money")
        GIFT = "gift", _("Gift")

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        PAID = "paid", _("Paid")

    lead = models.OneToOneField(Lead, on_delete=models.CASCADE, related_name="referral_reward")
    introducer_customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    introducer_name = models.CharField(_("introducer"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True)
    gift = models.CharField(_("gift"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="due")
    due_since = models.DateTimeField(_("due since"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("referral reward")
        verbose_name_plural = _("referral rewards")
        ordering = ["status", "-due_since"]


class DailyTarget(OrgOwned):
    """LEAD-5: how many new-prospect calls an employee aims for each day."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_target")
    prospect_calls = models.PositiveSmallIntegerField(_("new-prospect calls a day"), default=5)

    class Meta:
        verbose_name = _("daily contact target")
        verbose_name_plural = _("daily contact targets")
