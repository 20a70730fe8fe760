"""Customers (CUS-1): the first main object. The full archive arrives with the customer issue;
this holds what the permission engine and its tests need."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qiao.core.models import MainObject


class Customer(MainObject):
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    unified_social_credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(m2m_fields=["related_users", "related_departments"])

    class Meta(MainObject.Meta):
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name
