"""Duplicate detection and merging, as pages and as the API (CUS-8, API-5): the check endpoint,
the clusters of the whole-database scan, the merge page, undo, and the "Merges" panel on a
customer's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from qiao.core.forms import whole_number
from qiao.core.generic import RecordDetailView
from qiao.core.permissions import can

from . import chinese
from .api import DuplicateMatchSerializer
from .dedupe import (
    TYPES,
    customer_profile,
    customer_row,
    duplicate_clusters_as_system,
    find_duplicates_as_system,
    match_types,
    matches_for_user,
    score_pair,
)
from .merge import can_undo, customer_merge, customer_merge_undo, merges_visible_to, moved_count, related_counts
from .models import Customer, CustomerMerge
from .services import USCC_MESSAGES

# --- POST /api/v1/duplicates/check/ ----------------------------------------------------------------


def is_employee(user) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "org_id", None))


class DuplicateCheckSerializer(serializers.Serializer):
    """Customer-like fields; at least a name, a phone or a code."""

    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    mobile = serializers.CharField(required=False, allow_blank=True, max_length=32)
    unified_social_credit_code = serializers.CharField(required=False, allow_blank=True, max_length=32)
    address = serializers.CharField(required=False, allow_blank=True, max_length=255)
    types = serializers.ListField(
        child=serializers.ChoiceField(choices=TYPES),
        required=False,
        allow_empty=False,
        help_text=gettext_lazy(
            "Which records to search: customer, lead, opportunity (open registrations); default all of them."
        ),
    )
    exclude_customer = serializers.IntegerField(
        required=False, min_value=1, help_text=gettext_lazy("A customer not to match, e.g. the one being edited.")
    )
    exclude_lead = serializers.IntegerField(required=False, min_value=1)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The types later modules registered (OPP-3's open opportunity registrations) are known
        # only once the apps are ready.
        self.fields["types"].child.choices = match_types()

    def _phone(self, value: str) -> str:
        if value and chinese.normalize_phone(value) is None:
            raise serializers.ValidationError(
                _("“%(value)s” is not a valid phone number. Write it like 138 1234 5678 or 0571 8888 6666.")
                % {"value": value}
            )
        return value

    validate_phone = _phone
    validate_mobile = _phone

    def validate_unified_social_credit_code(self, value: str) -> str:
        code = chinese.normalize_uscc(value)
        if code and (problem := chinese.uscc_problem(code)):
            raise serializers.ValidationError(USCC_MESSAGES[problem] % {"count": len(code)})
        return code

    def validate(self, data):
        if not any(data.get(name, "").strip() for name in ("name", "phone", "mobile", "unified_social_credit_code")):
            raise serializers.ValidationError(
                {"name": [_("Give at least a name, a phone number or a unified social credit code to check.")]}
            )
        return data


class DuplicateCheckView(APIView):
    """CUS-8 / API-5: the records the system holds to be the same customer, best first: customers,
    leads and the types other modules register (`dedupe.register_match_source`), such as the open
    opportunity registrations that make a registration fail (OPP-3). Matches the user may not open
    come back as a clash with the owner's name only (id null, name empty)."""

    @extend_schema(
        request=DuplicateCheckSerializer,
        responses=inline_serializer("DuplicateCheckResult", {"matches": DuplicateMatchSerializer(many=True)}),
    )
    def post(self, request):
        if not is_employee(request.user):
            raise ApiPermissionDenied(_("Only employees of an organization can check for duplicates."))
        serializer = DuplicateCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        exclude = [("customer", data["exclude_customer"])] if data.get("exclude_customer") else []
        if data.get("exclude_lead"):
            exclude.append(("lead", data["exclude_lead"]))
        matches = find_duplicates_as_system(
            org_id=request.user.org_id,
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            mobile=data.get("mobile", ""),
            unified_social_credit_code=data.get("unified_social_credit_code", ""),
            address=data.get("address", ""),
            exclude=exclude,
            types=data.get("types") or match_types(),
            limit=data["limit"],
        )
        return Response({"matches": matches_for_user(request.user, matches)})


# --- Pages: clusters, merge, undo, the "Merges" panel ----------------------------------------------

CLUSTERS_PER_PAGE = 30
CLUSTER_CACHE_SECONDS = 3600
COMPARED_FIELDS = (
    "name",
    "short_name",
    "unified_social_credit_code",
    "phone",
    "mobile",
    "email",
    "address",
    "industry",
    "boss_name",
    "owner",
    "owner_department",
    "created_at",
)


def clusters_as_system(org_id: int) -> list:
    """The scan's clusters, computed once per state of the organization's customers: the cache key
    changes with the number of customers and the latest change to any of them."""
    signature = Customer.all_objects.filter(org_id=org_id).aggregate(count=Count("pk"), latest=Max("updated_at"))
    latest = int(signature["latest"].timestamp() * 1_000_000) if signature["latest"] else 0
    key = f"customers:duplicate-clusters:{org_id}:{signature['count']}:{latest}"
    clusters = cache.get(key)
    if clusters is None:
        clusters = duplicate_clusters_as_system(org_id)
        cache.set(key, clusters, CLUSTER_CACHE_SECONDS)
    return clusters


def visible_clusters(user) -> list[dict]:
    """The clusters as `user` sees them: only the customers they can view, and only clusters with
    at least two of those (PERM-3: a hidden customer leaves no trace, not even a count)."""
    clusters = clusters_as_system(user.org_id)
    member_ids = [pk for cluster in clusters for pk in cluster.ids]
    visible: dict[int, Customer] = {}
    for start in range(0, len(member_ids), 1000):
        chunk = member_ids[start : start + 1000]
        for customer in Customer.objects.visible_to(user).filter(pk__in=chunk).select_related("owner"):
            visible[customer.pk] = customer
    shown = []
    for cluster in clusters:
        members = [visible[pk] for pk in cluster.ids if pk in visible]
        if len(members) < 2:
            continue
        pairs = [
            {"first": visible[first], "second": visible[second], "score": score, "reasons": reasons}
            for first, second, score, reasons in cluster.pairs
            if first in visible and second in visible
        ]
        if not pairs:
            continue
        shown.append({"members": members, "pairs": pairs, "score": max(pair["score"] for pair in pairs)})
    return shown


@login_required
def duplicates_page(request):
    """CUS-8: the duplicate clusters of the whole database, as far as the user can see them."""
    if not request.user.has_code("customer.view"):
        raise PermissionDenied(_("Viewing customers needs the permission “customer.view”."))
    clusters = visible_clusters(request.user)
    page = Paginator(clusters, CLUSTERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "customers/duplicates.html", {"page": page, "cluster_count": len(clusters)})


def _visible_customer(user, pk) -> Customer:
    customer = Customer.objects.visible_to(user).filter(pk=whole_number(pk, default=0)).first()
    if customer is None:
        raise Http404
    return customer


def _can_merge(user, survivor: Customer, merged: Customer) -> bool:
    return can(user, "edit", survivor) and can(user, "edit", merged) and can(user, "delete", merged)


@login_required
def merge_page(request):
    """CUS-8: two customers side by side; choose the one that stays, confirm, and everything of the
    other moves to it."""
    ids = request.POST.getlist("ids") if request.method == "POST" else request.GET.getlist("ids")
    if len(ids) != 2 or ids[0] == ids[1]:
        raise Http404
    first, second = (_visible_customer(request.user, pk) for pk in ids)
    first, second = sorted((first, second), key=lambda customer: (customer.created_at, customer.pk))
    error = ""
    if request.method == "POST":
        survivor_id = request.POST.get("survivor")
        if survivor_id not in {str(first.pk), str(second.pk)}:
            error = _("Choose the customer that stays.")
        else:
            survivor, merged = (first, second) if survivor_id == str(first.pk) else (second, first)
            try:
                merge_record = customer_merge(actor=request.user, survivor=survivor, merged=merged)
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(
                    request,
                    _("%(merged)s was merged into %(survivor)s. You can undo this from the “Merges” tab.")
                    % {"merged": merged, "survivor": survivor},
                )
                return redirect(f"{reverse('customers:detail', args=[merge_record.survivor_id])}#panel-merges")
    columns = []
    for customer in (first, second):
        other = second if customer is first else first
        columns.append(
            {
                "customer": customer,
                "can_survive": _can_merge(request.user, customer, other),
                "moves": related_counts(customer),
            }
        )
    rows = []
    for name in COMPARED_FIELDS:
        field = Customer._meta.get_field(name)
        values = [RecordDetailView.display(customer, name) for customer in (first, second)]
        rows.append({"label": field.verbose_name, "values": values, "differs": values[0] != values[1]})
    pair_score, reasons = score_pair(customer_profile(customer_row(first)), customer_profile(customer_row(second)))
    return render(
        request,
        "customers/merge.html",
        {
            "first": first,
            "second": second,
            "columns": columns,
            "rows": rows,
            "score": pair_score,
            "reasons": reasons,
            "error": error,
            "can_merge": any(column["can_survive"] for column in columns),
        },
        status=400 if error else 200,
    )


def _visible_merge(user, pk: int) -> CustomerMerge:
    merge = merges_visible_to(user).filter(pk=pk).first()
    if merge is None:
        raise Http404
    return merge


@login_required
@require_POST
def merge_undo(request, pk: int):
    merge = _visible_merge(request.user, pk)
    try:
        restored = customer_merge_undo(actor=request.user, merge=merge)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(
            request, _("The merge was undone: %(customer)s is back with its records.") % {"customer": restored}
        )
    return redirect(request.POST.get("next") if _safe_next(request) else reverse("customers:merges"))


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


@login_required
def merges_page(request):
    """The merge history the user can see (the merges into customers they can view), with undo."""
    if not request.user.has_code("customer.view"):
        raise PermissionDenied(_("Viewing customers needs the permission “customer.view”."))
    merges = list(merges_visible_to(request.user)[:200])
    for merge in merges:
        merge.can_undo = can_undo(request.user, merge)
        merge.moved = moved_count(merge)
    return render(request, "customers/merges.html", {"merges": merges})


def merges_panel(request, record) -> dict | None:
    """The "Merges" tab of a customer's page: the customers the system holds to be this one (with
    a merge button), and the merges into it, with undo."""
    if not isinstance(record, Customer):
        return None
    matches = find_duplicates_as_system(
        org_id=record.org_id,
        name=record.name,
        phone=record.phone,
        mobile=record.mobile,
        unified_social_credit_code=record.unified_social_credit_code,
        exclude=[("customer", record.pk)],
        types=("customer",),
    )
    merges = list(CustomerMerge.objects.filter(survivor=record).select_related("merged", "merged_by", "undone_by"))
    for merge in merges:
        merge.can_undo = can_undo(request.user, merge)
        merge.moved = moved_count(merge)
    return {"record": record, "matches": matches_for_user(request.user, matches), "merges": merges}
