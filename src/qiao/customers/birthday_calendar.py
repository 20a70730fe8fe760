"""The birthday calendar (CUS-10, seed 003 step 8: "collect the customers' birthdays, grade them,
and greet each birthday in the way its grade deserves; keep them in a yearly table") and the
greetings by customer level (MKT-3).

The calendar holds the birthdays of the customers' bosses (the Birthday fields of the customer)
and of their contacts, only for records the user may see: customers from `visible_to`, contacts
through `contacts_visible_to`. Lunar birthdays fall on this year's solar date (birthdays.py: leap
months, a 30th in a 29-day month, 29 February). A greeting is recorded as an activity about the
customer, through the activities' own service."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from qiao.activities.models import Activity
from qiao.activities.services import activity_create
from qiao.core.services import require

from .birthdays import birthday_in_year
from .models import Contact, Customer
from .services import contacts_visible_to


@dataclass(frozen=True)
class Greeting:
    code: str
    label: str
    activity_kind: str


GREETINGS = {
    greeting.code: greeting
    for greeting in (
        Greeting("gift", gettext_lazy("Call and send a gift"), Activity.Kind.CALL),
        Greeting("call", gettext_lazy("Birthday call"), Activity.Kind.CALL),
        Greeting("message", gettext_lazy("Birthday message (SMS / WeChat)"), Activity.Kind.NOTE),
    )
}


@dataclass(frozen=True)
class Level:
    """A customer level for greetings (seed 003 step 8: "划分不同级别，采取对应的祝贺措施")."""

    code: str
    label: str
    greeting: str  # the greeting this level gets unless the user picks another


LEVELS = {
    level.code: level
    for level in (
        Level("key", gettext_lazy("Key customer"), "gift"),
        Level("regular", gettext_lazy("Regular customer"), "call"),
        Level("basic", gettext_lazy("Other customer"), "message"),
    )
}


def greeting_level(customer: Customer) -> Level:
    """Key: class A, high value or key volume; regular: class B, medium value or general volume;
    everyone else: basic."""
    if customer.abc_class == "a" or customer.value_tier == "high" or customer.volume == "key":
        return LEVELS["key"]
    if customer.abc_class == "b" or customer.value_tier == "medium" or customer.volume == "general":
        return LEVELS["regular"]
    return LEVELS["basic"]


LUNAR_MONTHS = "正二三四五六七八九十冬腊"
LUNAR_DAY_TENS = ["初", "十", "廿", "三"]
LUNAR_DIGITS = "一二三四五六七八九十"


def lunar_label(month: int, day: int, leap: bool) -> str:
    """农历闰四月初八 in Chinese; "lunar 4/8 (leap month)" otherwise."""
    if (get_language() or "").startswith("zh"):
        if day == 10:
            day_text = "初十"
        elif day == 20:
            day_text = "二十"
        elif day == 30:
            day_text = "三十"
        else:
            day_text = LUNAR_DAY_TENS[day // 10] + LUNAR_DIGITS[day % 10 - 1]
        return f"农历{'闰' if leap else ''}{LUNAR_MONTHS[month - 1]}月{day_text}"
    if leap:
        return _("lunar %(month)d/%(day)d (leap month)") % {"month": month, "day": day}
    return _("lunar %(month)d/%(day)d") % {"month": month, "day": day}


@dataclass
class BirthdayEntry:
    date: dt.date
    person: str
    customer: Customer
    contact: Contact | None
    calendar: str
    month: int
    day: int
    leap: bool
    birth_year: int | None

    @property
    def is_boss(self) -> bool:
        return self.contact is None

    @property
    def level(self) -> Level:
        return greeting_level(self.customer)

    @property
    def greeting(self) -> Greeting:
        return GREETINGS[self.level.greeting]

    @property
    def lunar_text(self) -> str:
        return lunar_label(self.month, self.day, self.leap) if self.calendar == "lunar" else ""

    @property
    def age(self) -> int | None:
        return self.date.year - self.birth_year if self.birth_year else None

    @property
    def days_away(self) -> int:
        return (self.date - timezone.localdate()).days


BIRTHDAY_FIELDS = ["birthday_calendar", "birthday_year", "birthday_month", "birthday_day", "birthday_leap_month"]
CUSTOMER_FIELDS = ["pk", "name", "boss_name", "abc_class", "value_tier", "volume", *BIRTHDAY_FIELDS]


def _month_condition(start: dt.date, end: dt.date) -> Q:
    """Birthdays that can fall between `start` and `end`: solar ones by their month; lunar ones,
    whose solar date comes up to about three months after their lunar month number, by the months
    that can reach there."""
    months, day = set(), start.replace(day=1)
    while day <= end and len(months) < 12:
        months.add(day.month)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    lunar_months = {(month - back - 1) % 12 + 1 for month in months for back in range(4)}
    solar = Q(birthday_month__in=sorted(months)) & ~Q(birthday_calendar="lunar")
    lunar = Q(birthday_calendar="lunar", birthday_month__in=sorted(lunar_months))
    return (solar | lunar) & Q(birthday_day__isnull=False)


def _dates_between(record, start: dt.date, end: dt.date):
    for year in range(start.year, end.year + 1):
        date = birthday_in_year(record, year)
        if date is not None and start <= date <= end:
            yield date


def birthdays_between(user, start: dt.date, end: dt.date) -> list[BirthdayEntry]:
    """Every birthday from `start` to `end` (inclusive) of the bosses of the customers `user` may
    see and of those customers' contacts, in date order."""
    condition = _month_condition(start, end)
    entries = []
    customers = Customer.objects.visible_to(user).filter(condition).only(*CUSTOMER_FIELDS).order_by()
    for customer in customers:
        for date in _dates_between(customer, start, end):
            entries.append(_entry(date, customer.boss_name or customer.name, customer, None, customer))
    contacts = (
        contacts_visible_to(user)
        .filter(condition)
        .only("pk", "name", "title", "customer", *BIRTHDAY_FIELDS, *(f"customer__{f}" for f in CUSTOMER_FIELDS[1:]))
        .order_by()
    )
    for contact in contacts:
        for date in _dates_between(contact, start, end):
            entries.append(_entry(date, contact.name, contact.customer, contact, contact))
    entries.sort(key=lambda entry: (entry.date, entry.customer.name, entry.person))
    return entries


def _entry(date, person, customer, contact, record) -> BirthdayEntry:
    return BirthdayEntry(
        date=date,
        person=person,
        customer=customer,
        contact=contact,
        calendar=record.birthday_calendar,
        month=record.birthday_month,
        day=record.birthday_day,
        leap=record.birthday_leap_month,
        birth_year=record.birthday_year,
    )


def upcoming_birthdays(user, days: int = 7) -> list[BirthdayEntry]:
    """Birthdays from today through the next `days` - 1 days (the workbench's "next 7 days")."""
    today = timezone.localdate()
    return birthdays_between(user, today, today + dt.timedelta(days=days - 1))


@transaction.atomic
def birthday_greeting_record(
    *, actor, customer: Customer, greeting: str, contact: Contact | None = None, year: int | None = None
) -> Activity:
    """Records that `actor` greeted the customer's boss (or `contact`) on their birthday, as an
    activity about the customer: a call for a gift or a call, a note for a message. The customer
    must be visible to the actor (404 otherwise) and the actor needs `activity.add` (403)."""
    require(actor, "view", customer)
    if greeting not in GREETINGS:
        raise ValidationError(
            {"greeting": ValidationError(_("Choose a greeting: a gift, a call or a message."), code="invalid")}
        )
    if contact is not None and (contact.customer_id != customer.pk or contact.deleted_at is not None):
        raise ValidationError(
            {"contact": ValidationError(_("This contact is not one of the customer's."), code="invalid")}
        )
    record = contact or customer
    person = contact.name if contact else (customer.boss_name or customer.name)
    year = year or timezone.localdate().year
    date = birthday_in_year(record, year)
    chosen = GREETINGS[greeting]
    if date is None:
        notes = _("Birthday greeting to %(person)s: %(greeting)s.") % {"person": person, "greeting": chosen.label}
    else:
        notes = _("Birthday greeting to %(person)s (birthday %(date)s): %(greeting)s.") % {
            "person": person,
            "date": date.isoformat(),
            "greeting": chosen.label,
        }
    return activity_create(
        actor=actor, subject=customer, kind=chosen.activity_kind, notes=notes, starts_at=timezone.now()
    )
