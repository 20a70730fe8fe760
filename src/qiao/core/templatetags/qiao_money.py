"""`{{ amount|money:currency }}`: a whole amount with its currency's symbol and thousands
separators ("¥1,280,000", "US$20,000") in every language — as Chinese business software writes
money, and as the kanban's script updates it — or nothing for no amount."""

from decimal import Decimal, InvalidOperation

from django import template

from qiao.core.money import DEFAULT_CURRENCY, symbol

register = template.Library()


@register.filter
def money(amount, currency: str = DEFAULT_CURRENCY) -> str:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return ""
    return f"{symbol(currency or DEFAULT_CURRENCY)}{value:,.0f}"
