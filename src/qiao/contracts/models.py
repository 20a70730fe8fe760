"""Contracts (CON-1): what closing an opportunity as won needs now — number (unique in the
organization), customer, opportunity, amount with currency (CNY by default), dates, terms, the
signed file (stored under an unguessable name, served only after a permission check) and status.
Payment plans, invoices and approval come with their own issues (CON-3, CON-4, APR-1)."""

import uuid
from pathlib import PurePath

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qiao.core.models import MainObject
from qiao.core.money import Currency


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    IN_EFFECT = "in_effect", _("In effect")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


def signed_file_path(contract, filename: str) -> str:
    """A random name: the file is never reachable by guessing its path (NFR-5); its original name
    is kept in `signed_file_name`."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"contracts/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Contract(MainObject):
    number = models.CharField(_("contract number"), max_length=60)
    title = models.CharField(_("title"), max_length=200, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    sign_date = models.DateField(_("signing date"))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    terms = models.TextField(_("terms"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.SIGNED)
    signed_file = models.FileField(_("signed contract"), upload_to=signed_file_path, max_length=200, blank=True)
    signed_file_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=["related_users", "related_departments"])

    class Meta(MainObject.Meta):
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-sign_date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["org", "number"], name="contract_number_unique_in_org")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("contracts:detail", args=[self.pk])
