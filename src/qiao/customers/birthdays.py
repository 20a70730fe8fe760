"""Birthdays, solar or lunar (CUS-10): is one valid, and on which solar date it falls in a year.

A lunar birthday is a lunar month and day. In a year whose lunar month has only 29 days, a 30th
falls on the 29th; a birthday in a leap month (闰月) is kept in the ordinary month of the same
number in years without that leap month, as is the custom."""

import datetime as dt

from django.utils.translation import gettext as _
from lunar_python import Lunar, LunarMonth, LunarYear


def birthday_problem(record) -> str | None:
    """A message when the birthday fields of `record` (a Birthday model) cannot be a birthday."""
    month, day = record.birthday_month, record.birthday_day
    if not month and not day:
        return None
    if not (month and day):
        return _("Give both the month and the day of the birthday.")
    if record.birthday_calendar == "lunar":
        if day > 30:
            return _("A lunar month has at most 30 days.")
        if (
            record.birthday_leap_month
            and record.birthday_year
            and LunarYear.fromYear(record.birthday_year).getLeapMonth() != month
        ):
            return _("The lunar year %(year)d has no leap month %(month)d.") % {
                "year": record.birthday_year,
                "month": month,
            }
        return None
    year = record.birthday_year or 2000  # a leap year, so that 29 February is allowed without a year
    try:
        dt.date(year, month, day)
    except ValueError:
        return _("There is no %(month)d/%(day)d in the calendar.") % {"month": month, "day": day}
    return None


def birthday_in_year(record, year: int) -> dt.date | None:
    """The solar date of `record`'s birthday in the solar year `year` (None when no birthday is
    set). A solar 29 February falls on 28 February in common years."""
    month, day = record.birthday_month, record.birthday_day
    if not (month and day):
        return None
    if record.birthday_calendar != "lunar":
        if month == 2 and day == 29 and not _is_leap_year(year):
            day = 28
        return dt.date(year, month, day)
    # The lunar year that starts in solar `year` may put the birthday in `year` or in the next
    # solar year (a 12th-month birthday); try the lunar years on both sides.
    for lunar_year in (year - 1, year):
        solar = _lunar_to_solar(lunar_year, month, day, record.birthday_leap_month)
        if solar.year == year:
            return solar
    return None


def next_birthday(record, on_or_after: dt.date) -> dt.date | None:
    for year in (on_or_after.year, on_or_after.year + 1):
        date = birthday_in_year(record, year)
        if date is not None and date >= on_or_after:
            return date
    return None


def _lunar_to_solar(lunar_year: int, month: int, day: int, leap: bool) -> dt.date:
    use_leap = leap and LunarYear.fromYear(lunar_year).getLeapMonth() == month
    lunar_month = -month if use_leap else month
    day = min(day, LunarMonth.fromYm(lunar_year, lunar_month).getDayCount())
    solar = Lunar.fromYmd(lunar_year, lunar_month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
