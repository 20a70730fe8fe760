"""`{{ amount|money:currency }}`: a whole amount with its currency's symbol and thousands
separators ("¥1,280,000", "US$20,000"); nothing for no amount."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

from qiao.core.money import DEFAULT_CURRENCY, symbol

register = template.Library()


@register.filter
def money(amount, currency: str = DEFAULT_CURRENCY) -> str:
    if amount is None or amount == "":
        return ""
    return f"{symbol(currency or DEFAULT_CURRENCY)}{intcomma(floatformat(amount, 0))}"
