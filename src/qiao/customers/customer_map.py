"""The customer map (CUS-9, seed 003 steps 1 and 5): the customers a user may see, as points
coloured by one classification, and pinning the customers that have no position yet.

Reads take the queryset the caller built from `visible_to` and the customer list's filters, so the
map shows exactly the customers the list shows. Positions are written through the shared update
service: optimistic locking, the edit permission and `prepare_customer` apply as on the form."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core import services as core_services

from . import chinese
from .models import Customer, choices

# Above this many located customers the map shows the newest ones and says how many are left out;
# marker clustering keeps that many readable and fast in the browser.
MAP_POINT_LIMIT = 5000
UNCLASSIFIED_COLOR = "#9aa0ac"
# Distinct on the map and for the usual colour blindness; the first entries go to the classes
# that come first in each choice list (A, high value, large, …).
PALETTE = ["#d63939", "#f59f00", "#2fb344", "#206bc4", "#ae3ec9", "#17a2b8", "#f76707", "#74b816"]


@dataclass(frozen=True)
class Classification:
    field: str
    label: str
    choices: type


CLASSIFICATIONS = {
    item.field: item
    for item in (
        Classification("abc_class", gettext_lazy("ABC class"), choices.AbcClass),
        Classification("value_tier", gettext_lazy("Value tier"), choices.ValueTier),
        Classification("lifecycle", gettext_lazy("Lifecycle stage"), choices.Lifecycle),
        Classification("cooperation_status", gettext_lazy("Cooperation status"), choices.CooperationStatus),
        Classification("size", gettext_lazy("Size"), choices.Size),
        Classification("nature", gettext_lazy("Nature"), choices.Nature),
        Classification("volume", gettext_lazy("Volume"), choices.Volume),
        Classification("tenure", gettext_lazy("Customer age"), choices.Tenure),
    )
}
DEFAULT_CLASSIFICATION = "abc_class"


def classification(name: str | None) -> Classification:
    return CLASSIFICATIONS.get(name or "", CLASSIFICATIONS[DEFAULT_CLASSIFICATION])


def map_data(customers, *, color_by: str | None = None, limit: int = MAP_POINT_LIMIT) -> dict:
    """The located customers of `customers` (already visible_to and filtered) in a compact form:
    `points` are `[id, latitude, longitude, name, owner, legend index]`, newest first, at most
    `limit`; `legend` holds each class's colour and count; `count` is every located customer."""
    kind = classification(color_by)
    located = customers.filter(latitude__isnull=False, longitude__isnull=False)
    counts = {
        row[kind.field]: row["n"]
        for row in located.order_by().values(kind.field).annotate(n=Count("pk")).values(kind.field, "n")
    }
    legend, index_of = [], {}
    for position, (value, label) in enumerate(kind.choices.choices):
        index_of[value] = len(legend)
        legend.append(
            {
                "value": value,
                "label": str(label),
                "color": PALETTE[position % len(PALETTE)],
                "count": counts.get(value, 0),
            }
        )
    index_of[""] = len(legend)
    legend.append({"value": "", "label": _("Not classified"), "color": UNCLASSIFIED_COLOR, "count": counts.get("", 0)})
    rows = located.order_by("-pk").values_list("pk", "latitude", "longitude", "name", "owner__full_name", kind.field)[
        :limit
    ]
    pool = _("Public pool")
    points = [
        [pk, float(latitude), float(longitude), name, owner or pool, index_of.get(value or "", len(legend) - 1)]
        for pk, latitude, longitude, name, owner, value in rows
    ]
    total = sum(counts.values())
    return {
        "color_by": kind.field,
        "color_by_label": str(kind.label),
        "count": total,
        "shown": len(points),
        "limit": limit,
        "legend": legend,
        "points": points,
    }


def customers_without_location(customers):
    """The customers of `customers` that are not on the map yet, for fixing (CUS-9)."""
    return customers.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))


def district_centre(customer: Customer) -> tuple[Decimal, Decimal] | None:
    """The centre of the customer's district (or city, or province), from its address or, when
    that says nothing, from the province, city and district fields."""
    for text in (customer.address, f"{customer.province}{customer.city}{customer.district}"):
        if text and (location := chinese.approximate_location(chinese.parse_address(text))):
            return location
    return None


SIX_PLACES = Decimal("0.000001")


def _coordinate(value, *, field: str, label: str, bound: int, errors: dict) -> Decimal | None:
    try:
        number = Decimal(str(value).strip()).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        errors[field] = ValidationError(_("Give the position as a number of degrees."), code="invalid")
        return None
    if not number.is_finite() or abs(number) > bound:
        errors[field] = ValidationError(
            _("The %(field)s lies between -%(bound)d and %(bound)d degrees.") % {"field": label, "bound": bound},
            code="invalid",
        )
        return None
    return number


def customer_set_location(
    *, actor, customer: Customer, version: int | None, latitude=None, longitude=None, use_district_centre=False
) -> Customer:
    """Pins `customer` where the user clicked on the map, or at its district's centre. Only
    editors may (404 for the invisible, 403 for the merely visible); a stale `version` raises
    StaleVersion; a position out of range or a customer with no address to place is refused."""
    core_services.require(actor, "edit", customer)
    errors = {}
    if use_district_centre:
        location = district_centre(customer)
        if location is None:
            raise ValidationError(
                {
                    "address": ValidationError(
                        _("The address of %(name)s names no known district: enter the address, or pin it on the map.")
                        % {"name": customer.name},
                        code="invalid",
                    )
                }
            )
        latitude, longitude = location
    else:
        if latitude in (None, "") or longitude in (None, ""):
            raise ValidationError(
                {"latitude": ValidationError(_("Click the map where the customer is."), code="required")}
            )
        latitude = _coordinate(latitude, field="latitude", label=_("latitude"), bound=90, errors=errors)
        longitude = _coordinate(longitude, field="longitude", label=_("longitude"), bound=180, errors=errors)
    if errors:
        raise ValidationError(errors)
    return core_services.main_object_update(
        actor=actor, obj=customer, data={"latitude": latitude, "longitude": longitude}, version=version
    )
