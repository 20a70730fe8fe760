"""Opportunities (商机, OPP-1 … OPP-9): registered with the seed's six facts, reviewed, protected
against a second registration of the same customer (撞单), followed through the stages, closed won
with a contract or lost with a reason. The status and stage change only through the services in
sales/services.py."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qiao.core.models import MainObject, OrgOwned, SearchKeyField, TeamMember
from qiao.core.money import Currency
from qiao.customers.chinese import NAME_KEY_LENGTH
from qiao.customers.models.choices import Source

from .stage import Stage


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Registered")
    CLASH = "clash", _("Registration failed: clash")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


# A registration in these states holds its customer: a second one for the same customer by
# someone else clashes with it (OPP-3). A draft is not submitted yet; a clash, won or lost one
# holds nothing any more.
PROTECTING_STATUSES = (OpportunityStatus.SUBMITTED, OpportunityStatus.RETURNED, OpportunityStatus.APPROVED)
CLOSED_STATUSES = (OpportunityStatus.WON, OpportunityStatus.LOST)
# The six facts a registration cannot do without (OPP-1, seed 002: 缺一不可).
REGISTRATION_FIELDS = ("customer_name", "contact_name", "phone", "source", "region", "description")

LIVE = models.Q(deleted_at__isnull=True)
PROTECTING = LIVE & models.Q(status__in=[status.value for status in PROTECTING_STATUSES])


# --- Stage ageing (OPP-9): the one rule the badge, the reminder task and the workbench share ------


def ageing_overdue_at_or_before(limit_days: int, now: datetime.datetime) -> datetime.datetime:
    """OPP-9: an opportunity is overdue in its stage when it has been there more than `limit_days`
    whole days — the days its card and page show — so when it entered the stage at or before the
    moment returned here (`limit_days + 1` days before `now`)."""
    return now - datetime.timedelta(days=limit_days + 1)


def is_overdue_in(*, stage_entered_at, limit_days: int | None, now: datetime.datetime | None = None) -> bool:
    """The same rule for one opportunity already in memory (the badge)."""
    if stage_entered_at is None or limit_days is None:
        return False
    return stage_entered_at <= ageing_overdue_at_or_before(limit_days, now or timezone.now())


def overdue_in_stage_q(stage, now: datetime.datetime) -> models.Q:
    """The same rule as a query over the opportunities in `stage` (the reminder task, the workbench);
    a stage without a limit has none overdue."""
    if stage.ageing_limit_days is None:
        return models.Q(pk__in=[])
    return models.Q(stage=stage, stage_entered_at__lte=ageing_overdue_at_or_before(stage.ageing_limit_days, now))


class Opportunity(MainObject):
    title = models.CharField(
        _("opportunity"), max_length=200, blank=True, help_text=_("What is being sold, e.g. “POS system for 12 shops”.")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    # The registration (OPP-1): all six are required by the services; blank here so that one
    # message names every missing field at once.
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    region = models.CharField(_("region"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("How the opportunity came about."))

    status = models.CharField(
        _("status"), max_length=12, choices=OpportunityStatus.choices, default=OpportunityStatus.DRAFT
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities", null=True, blank=True
    )

    # Follow-up (OPP-5)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    expected_close_date = models.DateField(_("expected signing date"), null=True, blank=True)
    contacts = models.ManyToManyField(
        "customers.Contact", verbose_name=_("contacts"), related_name="opportunities", blank=True
    )
    samples = models.TextField(_("samples sent"), blank=True)
    project_summary = models.TextField(_("project summary"), blank=True)

    # The review (OPP-2) and the clash override (OPP-3), kept by the services
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    return_reason = models.TextField(_("reason for return"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    override_reason = models.TextField(_("reason for overriding the clash"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clash overridden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Closing (OPP-6)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lost_reason = models.TextField(_("reason for losing"), blank=True)
    lost_to = models.CharField(_("lost to competitor"), max_length=200, blank=True)

    # Kept by the services, never typed: time in stage (OPP-9), the funnel (OPP-4) and the keys
    # of duplicate registration (OPP-3, normalized as customers/chinese/ does).
    stage_entered_at = models.DateTimeField(_("in stage since"), null=True, blank=True, editable=False)
    max_stage_position = models.PositiveSmallIntegerField(default=0, editable=False)
    ageing_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    name_key = SearchKeyField(max_length=NAME_KEY_LENGTH)
    phone_digits = models.CharField(max_length=32, blank=True, editable=False)

    team = GenericRelation(TeamMember, content_type_field="target_type", object_id_field="target_id")
    history = HistoricalRecords(m2m_fields=["related_users", "related_departments"])

    class Meta(MainObject.Meta):
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-pk"]
        indexes = [
            *MainObject.Meta.indexes,
            # Duplicate registration looks up only the registrations that still hold a customer.
            models.Index(fields=["org", "name_key"], condition=PROTECTING, name="sales_opp_protect_name"),
            models.Index(fields=["org", "phone_digits"], condition=PROTECTING, name="sales_opp_protect_phone"),
            # A kanban column: the open opportunities of one stage, longest in the stage last.
            models.Index(
                fields=["org", "stage", "-stage_entered_at"],
                condition=LIVE & models.Q(status="approved"),
                name="sales_opp_kanban",
            ),
            models.Index(
                fields=["stage", "stage_entered_at"],
                condition=LIVE & models.Q(status="approved", ageing_notified_at__isnull=True),
                name="sales_opp_ageing",
            ),
            # The kanban's totals and the funnel, for the department branch of a scope (the piece
            # that holds most rows, queries.grouped): read from this index alone on PostgreSQL,
            # never from the table (1,000,000 opportunities: 160 ms to 28 ms).
            models.Index(
                fields=["org", "owner_department", "status"],
                include=["stage", "currency", "amount", "max_stage_position"],
                condition=LIVE,
                name="sales_opp_department_report",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.customer_name or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("opportunities:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == OpportunityStatus.APPROVED

    @property
    def days_in_stage(self) -> int | None:
        if self.stage_entered_at is None:
            return None
        return (timezone.now() - self.stage_entered_at).days

    @property
    def is_overdue_in_stage(self) -> bool:
        """OPP-9: longer in its stage than the stage allows (needs `stage` loaded); the same rule as
        the reminder task's (`is_overdue_in`)."""
        limit = self.stage.ageing_limit_days if self.stage_id and self.stage else None
        return self.is_open and is_overdue_in(stage_entered_at=self.stage_entered_at, limit_days=limit)


class Competitor(OrgOwned):
    """A competitor met on an opportunity, with what they do well and badly (OPP-5). Seen and changed
    by whoever may see and change the opportunity."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="competitors")
    name = models.CharField(_("competitor"), max_length=200)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class OpportunityClash(OrgOwned):
    """One existing record a registration clashed with (OPP-3): found at registration or at review.
    The page of the existing record shows it to whoever can open that record."""

    class Found(models.TextChoices):
        REGISTRATION = "registration", _("at registration")
        REVIEW = "review", _("at review")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="clashes")
    matched_type = models.CharField(_("type"), max_length=20)  # customer, lead, opportunity
    matched_id = models.PositiveBigIntegerField()
    matched_name = models.CharField(_("name"), max_length=300)
    matched_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    found = models.CharField(max_length=16, choices=Found.choices)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("clash")
        verbose_name_plural = _("clashes")
        ordering = ["-found_at", "-score"]
        indexes = [models.Index(fields=["matched_type", "matched_id"], name="sales_clash_matched")]


class OpportunityEvent(OrgOwned):
    """The opportunity's business timeline: the review trail, stage moves, changes of the expected
    signing date (OPP-5), closing. Reports read the stage moves; the page shows the rest."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registration entered")
        SUBMITTED = "submitted", _("Submitted for review")
        CLASH = "clash", _("Clash found")
        RETURNED = "returned", _("Returned for correction")
        APPROVED = "approved", _("Approved")
        OVERRIDDEN = "overridden", _("Clash overridden")
        STAGE = "stage", _("Stage changed")
        EXPECTED_DATE = "expected_date", _("Expected signing date changed")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        AGEING = "ageing", _("Stage ageing reminder")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    from_stage = models.ForeignKey(Stage, on_delete=models.SET_NULL, null=True, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.SET_NULL, null=True, related_name="+")
    old_date = models.DateField(_("old date"), null=True)
    new_date = models.DateField(_("new date"), null=True)

    class Meta:
        verbose_name = _("opportunity event")
        verbose_name_plural = _("opportunity events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["opportunity", "kind", "-at"], name="sales_event_timeline")]
