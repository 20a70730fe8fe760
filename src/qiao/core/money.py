"""Currencies of amounts (opportunities, contracts) and how an amount is written with its symbol.

Amounts in different currencies are never added up: totals are kept per currency (the kanban's
columns) or for one chosen currency (the forecast)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    CNY = "CNY", _("CNY (renminbi)")
    HKD = "HKD", _("HKD (Hong Kong dollar)")
    USD = "USD", _("USD (US dollar)")
    EUR = "EUR", _("EUR (euro)")


DEFAULT_CURRENCY = Currency.CNY
SYMBOLS = {Currency.CNY: "¥", Currency.HKD: "HK$", Currency.USD: "US$", Currency.EUR: "€"}


def known_currency(code: str | None) -> str | None:
    """`code` when it is one of the currencies amounts may be in, else None."""
    return code if code in Currency.values else None


def symbol(currency: str) -> str:
    """The symbol written before an amount; an unknown code is written as the code itself."""
    return SYMBOLS.get(currency, f"{currency} ")


def currency_order(currency: str) -> tuple[int, str]:
    """Sort key: the default currency first, then the others by code."""
    return (currency != DEFAULT_CURRENCY, currency)
