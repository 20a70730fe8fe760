"""Reads of opportunities that are more than a filter: the kanban columns (OPP-4), the funnel
conversion report (OPP-4, ANA-5), the forecast by month and owner (OPP-7), and what a user may be
shown of a registration's clashes (OPP-3). Every one starts from `visible_to` (PERM-3).

Grouped reports over a scope (`grouped`) are computed piece by piece, the way the permission
engine counts (core/permissions/condition.py): the scope is an OR of relations (owner department in
the subtree, related departments, owner, related employee); each piece is "this relation and none
of the earlier ones", driven by its own index, and the pieces' groups add up to the whole. One
GROUP BY over the OR would read every opportunity of the organization to test it."""

import calendar
import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.forms import whole_number
from qiao.core.money import DEFAULT_CURRENCY, currency_order
from qiao.core.permissions.condition import piecewise

from .models import Opportunity, OpportunityClash, OpportunityStatus, Stage, StageKind
from .stages import stages_of

Status = OpportunityStatus
KANBAN_PAGE = 20
REGISTERED = (Status.APPROVED, Status.WON, Status.LOST)


def grouped(queryset, group_by: list[str], **aggregates) -> dict[tuple, dict]:
    """`queryset.values(*group_by).annotate(**aggregates)` summed over the scope's pieces: each
    aggregate must add up (Count, Sum). Count rows with Count("*"): COUNT(id) would need the id,
    which the reports' covering index does not hold, and read the table instead."""
    totals: dict[tuple, dict] = {}
    for piece in piecewise(queryset.order_by()):
        for row in piece.values(*group_by).annotate(**aggregates).order_by():
            key = tuple(row[name] for name in group_by)
            current = totals.setdefault(key, dict.fromkeys(aggregates, 0))
            for name in aggregates:
                current[name] += row[name] or 0
    return totals


# --- Kanban (OPP-4) -------------------------------------------------------------------------------


@dataclass
class Column:
    stage: Stage
    cards: list = field(default_factory=list)
    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)  # currency: total, never mixed
    has_more: bool = False
    next_page: int = 2


def visible(user, base=None):
    """`base` (a filtered list of the user's, from `visible_to`) or everything the user sees."""
    return base if base is not None else Opportunity.objects.visible_to(user)


def open_opportunities(user, base=None):
    return visible(user, base).filter(status=Status.APPROVED)


def column_cards(user, stage: Stage, *, page: int = 1, base=None) -> tuple[list, bool]:
    """One page of a column: the stage's open opportunities the user sees, those longest in the
    stage last (newest arrivals on top), and whether there are more."""
    start = (max(page, 1) - 1) * KANBAN_PAGE
    rows = list(
        open_opportunities(user, base)
        .filter(stage=stage)
        .select_related("owner", "stage")
        .order_by("-stage_entered_at", "-pk")[start : start + KANBAN_PAGE + 1]
    )
    return rows[:KANBAN_PAGE], len(rows) > KANBAN_PAGE


def kanban(user, *, base=None) -> list[Column]:
    """The open stages as columns, each with its count, its amount per currency (the default
    currency always shown, others when present) and its first page."""
    columns = [Column(stage) for stage in stages_of(user.org_id) if stage.kind == StageKind.OPEN]
    totals = grouped(open_opportunities(user, base), ["stage", "currency"], count=Count("*"), amount=Sum("amount"))
    for column in columns:
        amounts = {DEFAULT_CURRENCY: Decimal(0)}
        for (stage_id, currency), total in totals.items():
            if stage_id == column.stage.pk:
                column.count += total["count"]
                amounts[currency] = amounts.get(currency, Decimal(0)) + Decimal(total["amount"] or 0)
        column.amounts = {currency: amounts[currency] for currency in sorted(amounts, key=currency_order)}
        column.cards, column.has_more = column_cards(user, column.stage, base=base)
    return columns


# --- Funnel conversion (OPP-4, ANA-5) -------------------------------------------------------------


@dataclass
class FunnelRow:
    stage: Stage
    reached: int = 0  # registered opportunities that got at least this far
    here: int = 0  # open ones in this stage now
    lost_here: int = 0  # lost after getting this far and no further
    conversion: float | None = None  # reached the next stage / reached this one


def funnel(user, *, since: dt.date | None = None, until: dt.date | None = None, base=None):
    """Per stage of the funnel (the open stages, then the won stage): how many registered
    opportunities reached it, are in it now, were lost there, and the share that went on to the
    next stage. `since`/`until` choose opportunities by their registration date."""
    queryset = visible(user, base).filter(status__in=REGISTERED)
    if since:
        queryset = queryset.filter(registered_at__date__gte=since)
    if until:
        queryset = queryset.filter(registered_at__date__lte=until)
    counts = grouped(queryset, ["max_stage_position", "status", "stage"], count=Count("*"))
    ladder = [stage for stage in stages_of(user.org_id) if stage.kind != StageKind.LOST]
    rows = [FunnelRow(stage) for stage in ladder]
    won_position = max((stage.position for stage in ladder if stage.kind == StageKind.WON), default=0)
    for (position, status, stage_id), total in counts.items():
        if status == Status.WON:  # a won one went all the way, whatever stages it skipped
            position = max(position, won_position)
        for row in rows:
            if position >= row.stage.position:
                row.reached += total["count"]
        if status == Status.APPROVED:
            for row in rows:
                if row.stage.pk == stage_id:
                    row.here += total["count"]
        elif status == Status.LOST:
            reached = [row for row in rows if row.stage.position <= position]
            if reached:
                reached[-1].lost_here += total["count"]
    for row, following in itertools.pairwise(rows):
        row.conversion = following.reached / row.reached if row.reached else None
    won = sum(total["count"] for (_pos, status, _stage), total in counts.items() if status == Status.WON)
    lost = sum(total["count"] for (_pos, status, _stage), total in counts.items() if status == Status.LOST)
    registered = sum(total["count"] for total in counts.values())
    return {
        "rows": rows,
        "registered": registered,
        "won": won,
        "lost": lost,
        "win_rate": won / registered if registered else None,
    }


# --- Forecast (OPP-7) -----------------------------------------------------------------------------


def month_starts(first: dt.date, count: int) -> list[dt.date]:
    months, year, month = [], first.year, first.month
    for _index in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def forecast_months(value) -> int:
    """How many months a forecast asked for covers: 1 to 24, 6 when not a number."""
    months = whole_number(value)
    return 6 if months is None else min(max(months, 1), 24)


def forecast(
    user, *, first_month: dt.date | None = None, months: int = 6, currency: str = DEFAULT_CURRENCY, base=None
) -> dict:
    """Expected revenue per month of the expected signing date and per owner: the open
    opportunities' amounts weighted by their stage's win probability, beside the unweighted
    pipeline and what was already won in the month (contract amounts of the won ones). Only
    amounts in `currency` are counted: money in different currencies is never added up."""
    first_month = (first_month or timezone.localdate()).replace(day=1)
    months_list = month_starts(first_month, months)
    last_day = months_list[-1].replace(day=calendar.monthrange(months_list[-1].year, months_list[-1].month)[1])
    opportunities = visible(user, base).filter(currency=currency)
    weighted_amount = ExpressionWrapper(
        F("amount") * F("stage__probability") / 100, output_field=DecimalField(max_digits=20, decimal_places=4)
    )
    open_rows = _grouped_by_month(
        opportunities.filter(
            status=Status.APPROVED,
            amount__isnull=False,
            expected_close_date__gte=first_month,
            expected_close_date__lte=last_day,
        ),
        "expected_close_date",
        pipeline=Sum("amount"),
        weighted=Sum(weighted_amount),
        count=Count("*"),
    )
    start = timezone.make_aware(dt.datetime.combine(first_month, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min))
    won_rows = _grouped_by_month(
        opportunities.filter(status=Status.WON, closed_at__gte=start, closed_at__lt=end), "closed_at", won=Sum("amount")
    )
    from qiao.org.models import User

    owner_ids = {owner for _month, owner in [*open_rows, *won_rows]}
    names = dict(User.objects.filter(pk__in=owner_ids - {None}).values_list("pk", "full_name"))
    owners = sorted(owner_ids, key=lambda pk: (pk is None, names.get(pk, "")))
    table = []
    for owner in owners:
        cells = []
        for month in months_list:
            open_cell = open_rows.get((month, owner), {})
            won_cell = won_rows.get((month, owner), {})
            cells.append(
                {
                    "weighted": Decimal(open_cell.get("weighted") or 0).quantize(Decimal("0.01")),
                    "pipeline": Decimal(open_cell.get("pipeline") or 0),
                    "count": open_cell.get("count", 0),
                    "won": Decimal(won_cell.get("won") or 0),
                }
            )
        table.append(
            {
                "owner_id": owner,
                "owner": names.get(owner, "") or _("No owner"),
                "cells": cells,
                "weighted": sum((cell["weighted"] for cell in cells), Decimal(0)),
                "pipeline": sum((cell["pipeline"] for cell in cells), Decimal(0)),
                "won": sum((cell["won"] for cell in cells), Decimal(0)),
            }
        )
    totals = [
        {
            "weighted": sum((row["cells"][index]["weighted"] for row in table), Decimal(0)),
            "pipeline": sum((row["cells"][index]["pipeline"] for row in table), Decimal(0)),
            "won": sum((row["cells"][index]["won"] for row in table), Decimal(0)),
        }
        for index in range(len(months_list))
    ]
    return {"months": months_list, "currency": currency, "rows": table, "totals": totals}


def _grouped_by_month(queryset, date_field: str, **aggregates) -> dict[tuple, dict]:
    """Grouped by (first day of the month, owner), in the current time zone for date-times."""
    rows = grouped(queryset.annotate(month=TruncMonth(date_field)), ["month", "owner"], **aggregates)
    by_month: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(aggregates, 0))
    for (month, owner), values in rows.items():
        day = month.date() if isinstance(month, dt.datetime) else month
        cell = by_month[(day, owner)]
        for name, value in values.items():
            cell[name] += value or 0
    return dict(by_month)


# --- Clashes as a user may see them (OPP-3, PERM-3) -----------------------------------------------


def _visible_ids(user, kind: str, ids: set[int]) -> set[int]:
    from qiao.customers.models import Customer, Lead

    model = {"customer": Customer, "lead": Lead, "opportunity": Opportunity}.get(kind)
    if model is None or not ids:
        return set()
    return set(model.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def clashes_for_user(user, opportunity: Opportunity) -> list[dict]:
    """The records a registration clashed with, as `user` may see them: in full when they can
    open the record; otherwise only that it exists and whose it is (as customers/dedupe/reports.py's
    `matches_for_user` does)."""
    rows = list(opportunity.clashes.select_related("matched_owner"))
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        wanted[row.matched_type].add(row.matched_id)
    openable = {(kind, pk) for kind, ids in wanted.items() for pk in _visible_ids(user, kind, ids)}
    shown = []
    for row in rows:
        owner = row.matched_owner.get_full_name() if row.matched_owner else ""
        item = {
            "type": row.matched_type,
            "owner": owner,
            "score": row.score,
            "found": row.get_found_display(),
            "found_at": row.found_at,
        }
        if (row.matched_type, row.matched_id) in openable:
            item.update(id=row.matched_id, name=row.matched_name, reasons=row.reasons, visible=True)
        else:
            item.update(
                id=None,
                name="",
                reasons=[_("Matches a record you cannot see; its owner is %(owner)s.") % {"owner": owner or "—"}],
                visible=False,
            )
        shown.append(item)
    return shown


def clashes_with(record) -> list[OpportunityClash]:
    """The registrations that clashed with `record` (a customer, lead or opportunity), for the
    record's own page: whoever can open the record sees who tried to register it again."""
    return list(
        OpportunityClash.objects.filter(
            org_id=record.org_id, matched_type=record._meta.model_name, matched_id=record.pk
        ).select_related("opportunity__created_by", "opportunity__owner")[:50]
    )
