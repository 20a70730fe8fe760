"""The kanban board (OPP-4, OPP-9), the forecast (OPP-7) and the funnel conversion report (OPP-4,
ANA-5), each over the opportunities the user can see (PERM-3), and the sales stages' settings."""

import csv
import datetime as dt
import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.core.forms import add_service_errors, form_errors_as_message, whole_number
from qiao.core.money import DEFAULT_CURRENCY, Currency, known_currency
from qiao.org.services import require_code

from . import queries
from . import stages as stage_services
from .filters import BoardFilter
from .forms import StageForm
from .models import Opportunity, Stage, StageKind

FORECAST_SERIES = 8  # owners drawn separately in the chart; the rest add up to "others"


def _board_filter(request) -> BoardFilter:
    return BoardFilter(request.GET, queryset=Opportunity.objects.visible_to(request.user), request=request)


def _editable_ids(user, cards) -> set[int]:
    """Which cards the user may drag: one query for the whole board."""
    ids = [card.pk for card in cards]
    if not ids:
        return set()
    return set(Opportunity.objects.visible_to(user, "edit").filter(pk__in=ids).values_list("pk", flat=True))


def _mark_cards(user, cards) -> None:
    editable = _editable_ids(user, cards)
    for card in cards:
        card.can_move = card.pk in editable


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def kanban(request):
    """Open opportunities by stage; drag a card to another column to move it (the move is the API's
    `move-stage` with the card's version: a card someone else moved first comes back)."""
    board_filter = _board_filter(request)
    columns = queries.kanban(request.user, base=board_filter.qs)
    _mark_cards(request.user, [card for column in columns for card in column.cards])
    return render(
        request,
        "sales/kanban.html",
        {"filter": board_filter, "columns": columns, "query": _query_without_page(request)},
    )


@login_required
def kanban_column(request, stage_pk: int):
    """The next page of one column ("load more")."""
    stage = Stage.objects.filter(org_id=request.user.org_id, pk=stage_pk, kind=StageKind.OPEN).first()
    if stage is None:
        raise Http404
    page = whole_number(request.GET.get("page"), default=2)
    cards, has_more = queries.column_cards(request.user, stage, page=page, base=_board_filter(request).qs)
    _mark_cards(request.user, cards)
    return render(
        request,
        "sales/_kanban_more.html",
        {
            "stage": stage,
            "cards": cards,
            "has_more": has_more,
            "next_page": page + 1,
            "query": _query_without_page(request),
        },
    )


# --- Reports --------------------------------------------------------------------------------------


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _csv_response(filename: str, header: list, rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads UTF-8 with the byte order mark
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


@login_required
def forecast(request):
    """OPP-7: expected revenue per month and owner, weighted by stage probability."""
    board_filter = _board_filter(request)
    first_month = _date(
        request.GET.get("first_month", "") + "-01" if len(request.GET.get("first_month", "")) == 7 else ""
    )
    months = queries.forecast_months(request.GET.get("months"))
    currency = known_currency(request.GET.get("currency")) or DEFAULT_CURRENCY
    report = queries.forecast(
        request.user, first_month=first_month, months=months, currency=currency, base=board_filter.qs
    )
    labels = [month.strftime("%Y-%m") for month in report["months"]]
    if request.GET.get("export") == "csv":
        header = [
            _("Owner"),
            *(f"{label} {_('weighted')}" for label in labels),
            _("Weighted"),
            _("Pipeline"),
            _("Won"),
            _("Currency"),
        ]
        rows = [
            [
                row["owner"],
                *(_money(cell["weighted"]) for cell in row["cells"]),
                _money(row["weighted"]),
                _money(row["pipeline"]),
                _money(row["won"]),
                currency,
            ]
            for row in report["rows"]
        ]
        return _csv_response(f"forecast-{timezone.localdate():%Y%m%d}.csv", header, rows)
    ranked = sorted(report["rows"], key=lambda row: row["weighted"], reverse=True)
    series = [
        {"name": row["owner"], "values": [float(cell["weighted"]) for cell in row["cells"]]}
        for row in ranked[:FORECAST_SERIES]
    ]
    if len(ranked) > FORECAST_SERIES:
        others = [
            sum(float(row["cells"][index]["weighted"]) for row in ranked[FORECAST_SERIES:])
            for index in range(len(labels))
        ]
        series.append({"name": _("Others"), "values": others})
    chart = {
        "labels": labels,
        "series": series,
        "won": {"name": _("Won"), "values": [float(total["won"]) for total in report["totals"]]},
    }
    return render(
        request,
        "sales/forecast.html",
        {
            "filter": board_filter,
            "report": report,
            "labels": labels,
            "chart_data": json.dumps(chart, ensure_ascii=False),
            "months": months,
            "currency": currency,
            "currencies": Currency.choices,
            "first_month": report["months"][0].strftime("%Y-%m"),
            "query": _query_without_page(request),
            "total_weighted": sum((total["weighted"] for total in report["totals"]), Decimal(0)),
            "total_pipeline": sum((total["pipeline"] for total in report["totals"]), Decimal(0)),
            "total_won": sum((total["won"] for total in report["totals"]), Decimal(0)),
        },
    )


@login_required
def funnel(request):
    """The funnel conversion report: how far the registered opportunities got, stage by stage."""
    board_filter = _board_filter(request)
    since, until = _date(request.GET.get("since", "")), _date(request.GET.get("until", ""))
    report = queries.funnel(request.user, since=since, until=until, base=board_filter.qs)
    if request.GET.get("export") == "csv":
        header = [
            _("Stage"),
            _("Win probability (%)"),
            _("Reached"),
            _("In the stage now"),
            _("Lost here"),
            _("To the next stage"),
        ]
        rows = [
            [
                str(row.stage),
                row.stage.probability,
                row.reached,
                row.here,
                row.lost_here,
                "" if row.conversion is None else f"{row.conversion:.1%}",
            ]
            for row in report["rows"]
        ]
        return _csv_response(f"funnel-{timezone.localdate():%Y%m%d}.csv", header, rows)
    chart = {"labels": [str(row.stage) for row in report["rows"]], "values": [row.reached for row in report["rows"]]}
    return render(
        request,
        "sales/funnel.html",
        {
            "filter": board_filter,
            "report": report,
            "since": since.isoformat() if since else "",
            "until": until.isoformat() if until else "",
            "chart_data": json.dumps(chart, ensure_ascii=False),
            "query": _query_without_page(request),
        },
    )


# --- Sales stages (OPP-4, PERM-12): administrators ------------------------------------------------


@login_required
def stage_settings(request):
    require_code(request.user, "org.manage")
    stages = stage_services.stages_of(request.user.org_id)
    forms = [(stage, StageForm(instance=stage, prefix=f"stage-{stage.pk}")) for stage in stages]
    return render(request, "sales/stages.html", {"forms": forms, "add_form": StageForm(prefix="new")})


def _stage_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["name"] = (data.get("name") or "").strip()
    return data


@login_required
@require_POST
def stage_save(request, pk: int | None = None):
    require_code(request.user, "org.manage")
    stage = Stage.objects.filter(org_id=request.user.org_id, pk=pk).first() if pk else None
    if pk and stage is None:
        raise Http404
    form = StageForm(request.POST, instance=stage, prefix=f"stage-{pk}" if pk else "new")
    if form.is_valid():
        try:
            if stage is None:
                saved = stage_services.stage_create(actor=request.user, data=_stage_data(form))
            else:
                saved = stage_services.stage_update(actor=request.user, stage=stage, data=_stage_data(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved the stage %(stage)s.") % {"stage": saved})
            return redirect("opportunities:stages")
    messages.error(request, form_errors_as_message(form))
    return redirect("opportunities:stages")


@login_required
@require_POST
def stage_delete(request, pk: int):
    require_code(request.user, "org.manage")
    stage = Stage.objects.filter(org_id=request.user.org_id, pk=pk).first()
    if stage is None:
        raise Http404
    try:
        stage_services.stage_delete(actor=request.user, stage=stage)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed the stage."))
    return redirect("opportunities:stages")
