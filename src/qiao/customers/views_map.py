"""The customer map (CUS-9): the page, its JSON data (`GET /api/v1/customers/map/`) and pinning a
customer that has no position yet. Every customer comes from `visible_to` through the customer
list's own filters, so the map, the list and the export always agree (PERM-3)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from qiao.core.forms import whole_number
from qiao.core.services import StaleVersion

from . import customer_map
from .filters import CustomerFilter
from .models import Customer

WITHOUT_LOCATION_SHOWN = 30


def _filtered(request, params):
    return CustomerFilter(params, queryset=Customer.objects.visible_to(request.user), request=request)


@login_required
def map_page(request):
    """The map with the list's filters, the colouring, the legend (drawn from the data) and the
    customers that still need a position."""
    record_filter = _filtered(request, request.GET)
    missing = customer_map.customers_without_location(record_filter.qs)
    missing_rows = list(missing.select_related("owner").order_by("-pk")[:WITHOUT_LOCATION_SHOWN])
    editable = set(
        Customer.objects.visible_to(request.user, "edit")
        .filter(pk__in=[row.pk for row in missing_rows])
        .values_list("pk", flat=True)
    )
    for row in missing_rows:
        row.can_edit = row.pk in editable
    color_by = customer_map.classification(request.GET.get("color_by")).field
    query = request.GET.copy()
    query["color_by"] = color_by
    return render(
        request,
        "customers/map.html",
        {
            "filter": record_filter,
            "classifications": customer_map.CLASSIFICATIONS.values(),
            "color_by": color_by,
            "data_url": f"{reverse('api_customer_map')}?{query.urlencode()}",
            "tile_url": settings.MAP_TILE_URL,
            "missing": missing_rows,
            "missing_count": missing.count(),
            "any_editable": bool(editable),
            "limit": customer_map.MAP_POINT_LIMIT,
        },
    )


class CustomerMapView(APIView):
    """`GET /api/v1/customers/map/?color_by=abc_class&<the customer list's filters>`: the located
    customers the user may see, as `points` of `[id, latitude, longitude, name, owner, legend
    index]` (at most `limit`, newest first), with the `legend` of the chosen classification and
    the `count` of every located customer (CUS-9, PERM-3)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("color_by", str, enum=list(customer_map.CLASSIFICATIONS)),
            OpenApiParameter("q", str),
            OpenApiParameter("owner", int),
            OpenApiParameter("owner_department", int),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        color_by = request.query_params.get("color_by")
        if color_by and color_by not in customer_map.CLASSIFICATIONS:
            raise ApiValidationError(
                {"color_by": [_("Colour by one of: %(names)s.") % {"names": ", ".join(customer_map.CLASSIFICATIONS)}]}
            )
        record_filter = _filtered(request, request.query_params)
        if not record_filter.is_valid():
            raise ApiValidationError(record_filter.errors)
        data = customer_map.map_data(record_filter.qs, color_by=color_by)
        data["without_location"] = customer_map.customers_without_location(record_filter.qs).count()
        return Response(data)


def _visible_customer(request, pk: int) -> Customer:
    customer = Customer.objects.visible_to(request.user).filter(pk=pk).first()
    if customer is None:
        raise Http404
    return customer


@login_required
@require_POST
def set_location(request, pk: int):
    """Pins a customer where the user clicked (`latitude`, `longitude`) or at its district's centre
    (`use_district_centre`). Asked for JSON (the map's script), it answers with the new position or
    `{"field": ["message"]}` (400), 409 for a stale version, 403/404; a plain form goes back to the
    map with a message."""
    customer = _visible_customer(request, pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        customer_map.customer_set_location(
            actor=request.user,
            customer=customer,
            version=whole_number(request.POST.get("version")),
            latitude=request.POST.get("latitude"),
            longitude=request.POST.get("longitude"),
            use_district_centre=bool(request.POST.get("use_district_centre")),
        )
    except ValidationError as error:
        if wants_json:
            return JsonResponse({field: list(texts) for field, texts in error.message_dict.items()}, status=400)
        messages.error(request, " ".join(error.messages))
    except StaleVersion:
        message = _("Someone else changed %(name)s in the meantime. Reload the page and try again.") % {
            "name": customer.name
        }
        if wants_json:
            return JsonResponse({"version": [message]}, status=409)
        messages.error(request, message)
    else:
        if wants_json:
            return JsonResponse(
                {
                    "id": customer.pk,
                    "latitude": float(customer.latitude),
                    "longitude": float(customer.longitude),
                    "version": customer.version,
                    "message": _("%(name)s is on the map now.") % {"name": customer.name},
                }
            )
        messages.success(request, _("%(name)s is on the map now.") % {"name": customer.name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("customers:map")
    return redirect(target)
