"""The birthday calendar (CUS-10): a year of birthdays month by month, or one month as a calendar
grid, with a greeting action on each birthday (MKT-3), and the workbench's "upcoming birthdays"."""

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.core.forms import MAX_ID, whole_number

from . import birthday_calendar
from .models import Customer
from .services import contacts_visible_to


def _number(text: str | None, low: int, high: int) -> int | None:
    number = whole_number(text)
    return number if number is not None and low <= number <= high else None


def _weeks(year: int, month: int, entries) -> list[list[dict]]:
    """The month as weeks from Monday, each day with its birthdays; days of the neighbouring
    months fill the first and last week, without entries."""
    by_date = {}
    for entry in entries:
        by_date.setdefault(entry.date, []).append(entry)
    today = timezone.localdate()
    return [
        [
            {"date": day, "in_month": day.month == month, "today": day == today, "entries": by_date.get(day, [])}
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


@login_required
def birthday_calendar_page(request):
    today = timezone.localdate()
    year = _number(request.GET.get("year"), 1900, 2100) or today.year
    month = _number(request.GET.get("month"), 1, 12)
    if month:
        start = dt.date(year, month, 1)
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    entries = birthday_calendar.birthdays_between(request.user, start, end)
    months = [{"number": number, "name": MONTHS[number], "entries": []} for number in range(1, 13)]
    for entry in entries:
        months[entry.date.month - 1]["entries"].append(entry)
    context = {
        "year": year,
        "month": month,
        "month_name": MONTHS[month] if month else "",
        "months": months,
        "entries": entries,
        "today": today,
        "greetings": list(birthday_calendar.GREETINGS.values()),
        "levels": list(birthday_calendar.LEVELS.values()),
        "can_greet": request.user.has_code("activity.add"),
        "weekdays": [WEEKDAYS_ABBR[day] for day in range(7)],
    }
    if month:
        previous = (start - dt.timedelta(days=1)).replace(day=1)
        following = end + dt.timedelta(days=1)
        context.update(
            weeks=_weeks(year, month, entries),
            previous={"year": previous.year, "month": previous.month},
            following={"year": following.year, "month": following.month},
        )
    return render(request, "customers/birthdays.html", context)


@login_required
@require_POST
def birthday_greet(request):
    """Records a greeting (MKT-3) for the boss of `customer`, or for its `contact`, and goes back."""
    customer_id = _number(request.POST.get("customer"), 1, MAX_ID)
    customer = Customer.objects.visible_to(request.user).filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        raise Http404
    contact = None
    if request.POST.get("contact"):
        contact_id = _number(request.POST.get("contact"), 1, MAX_ID)
        contact = (
            contacts_visible_to(request.user).filter(pk=contact_id, customer=customer).first() if contact_id else None
        )
        if contact is None:
            raise Http404
    try:
        birthday_calendar.birthday_greeting_record(
            actor=request.user,
            customer=customer,
            contact=contact,
            greeting=request.POST.get("greeting", ""),
            year=_number(request.POST.get("year"), 1900, 2100),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not record activities."))
    else:
        person = contact.name if contact else (customer.boss_name or customer.name)
        messages.success(
            request,
            _("The greeting to %(person)s is recorded on %(customer)s.")
            % {
                "person": person,
                "customer": customer.name,
            },
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("customers:birthdays")
    return redirect(target)


def upcoming_widget_context(request) -> dict | None:
    """The workbench's "upcoming birthdays (next 7 days)"; hidden for users who see no customers."""
    user = request.user
    if not user.org_id or not user.has_code("customer.view"):
        return None
    entries = birthday_calendar.upcoming_birthdays(user, days=7)
    return {"entries": entries[:8], "more": max(0, len(entries) - 8), "today": timezone.localdate()}
