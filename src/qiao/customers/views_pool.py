"""Public pool pages (CUS-12): the pool list with claiming, releasing a customer from its page, the
pool settings for organization admins, the pool-history panel on a customer's page and the workbench
widget of customers about to return. Every queryset comes from `visible_to`; every write from
pool_services.py."""

import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from qiao.core import services as core_services
from qiao.core.forms import StyledFormMixin, add_service_errors
from qiao.core.permissions import can
from qiao.core.tables import Table
from qiao.org.fields import DepartmentChoiceField
from qiao.org.models import Department
from qiao.org.services import require_code

from . import pool_services, queries
from .models import Customer, CustomerSettings, PoolEvent
from .pool import customer_settings, pool_is_open_to


class DepartmentsField(forms.ModelMultipleChoiceField):
    label_from_instance = DepartmentChoiceField.label_from_instance


class PoolTable(Table):
    name = tables.Column(linkify=("customers:detail", {"pk": tables.A("pk")}), attrs={"a": {"hx-boost": "false"}})
    city = tables.Column(verbose_name=gettext_lazy("city"))
    in_pool_since = tables.DateTimeColumn(
        verbose_name=gettext_lazy("in the pool since"), format="SHORT_DATE_FORMAT", orderable=False, default="—"
    )
    last_followed_at = tables.DateTimeColumn(format="SHORT_DATE_FORMAT", default="—")
    claim = tables.TemplateColumn(
        template_name="customers/pool_claim_cell.html", verbose_name="", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = Customer
        fields = ["name", "phone", "city", "source", "in_pool_since", "last_followed_at", "claim"]
        order_by = ("name",)
        attrs = {"class": "table table-vcenter card-table table-hover text-nowrap"}
        empty_text = gettext_lazy("The public pool is empty.")


@login_required
def pool_list(request):
    """Customers without an owner that the user may see, and a claim button when the pool is open
    to them."""
    user = request.user
    customers = pool_services.pool_visible_to(user)
    query = request.GET.get("q", "").strip()
    # The one customer search (CUS-6): name, pinyin, initials, phones, address, contacts, tags.
    customers = queries.search(customers, query, org_id=user.org_id)
    last_entry = PoolEvent.objects.filter(
        customer=OuterRef("pk"), kind__in=[PoolEvent.Kind.RELEASED, PoolEvent.Kind.RETURNED]
    ).order_by("-at")
    # A customer created without an owner has been in the pool since it was created.
    customers = customers.annotate(in_pool_since=Coalesce(Subquery(last_entry.values("at")[:1]), "created_at"))
    table = PoolTable(customers)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    open_to_user = pool_is_open_to(user)
    settings = customer_settings(user.org_id) if user.org_id else None
    return render(
        request,
        "customers/pool_list.html",
        {
            "table": table,
            "query": query,
            "can_claim": open_to_user,
            "held": pool_services.held_count_as_system(user) if user.org_id else 0,
            "limit": settings.claim_limit if settings else 0,
            "can_manage": user.has_code("org.manage"),
        },
    )


@login_required
@require_POST
def pool_claim(request, pk: int):
    customer = pool_services.pool_visible_to(request.user).filter(pk=pk).first()
    if customer is None:
        raise Http404
    try:
        pool_services.customer_claim(actor=request.user, customer=customer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("customers:pool")
    messages.success(request, _("%(customer)s is now your customer.") % {"customer": customer})
    return redirect("customers:detail", customer.pk)


@login_required
@require_POST
def customer_release(request, pk: int):
    customer = Customer.objects.visible_to(request.user).filter(pk=pk).first()
    if customer is None:
        raise Http404
    try:
        pool_services.customer_release(actor=request.user, customer=customer, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(customer)s is back in the public pool.") % {"customer": customer})
    if Customer.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("customers:detail", pk)
    return redirect("customers:pool")


class PoolSettingsForm(StyledFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CustomerSettings
        fields = [
            "pool_departments",
            "claim_limit",
            "return_after_days_without_follow_up",
            "return_after_days_without_deal",
            "warn_days_before_return",
            "referral_reward_kind",
            "referral_reward_amount",
            "referral_reward_gift",
        ]
        field_classes = {"pool_departments": DepartmentsField}
        help_texts = {
            "claim_limit": gettext_lazy("How many customers one employee may hold; 0: no limit."),
            "return_after_days_without_follow_up": gettext_lazy("0: this rule is off."),
            "return_after_days_without_deal": gettext_lazy(
                "0: this rule is off. A converted lead counts as a deal for now."
            ),
            "warn_days_before_return": gettext_lazy(
                "The owner sees the customer on their workbench this many days before it returns."
            ),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool_departments"].queryset = Department.objects.visible_to(actor)
        self.fields["pool_departments"].widget.attrs.update({"data-enhance": "1", "class": "form-select"})
        self.initial["version"] = self.instance.version

    def _post_clean(self):
        pass  # validated by the service


@login_required
def pool_settings(request):
    require_code(request.user, "org.manage")
    settings = customer_settings(request.user.org_id)
    form = PoolSettingsForm(request.POST or None, instance=settings, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            pool_services.customer_settings_update(
                actor=request.user, data=data, version=form.cleaned_data.get("version")
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except core_services.StaleVersion:
            form.add_error(None, _("Someone else saved these settings meanwhile. Reload the page and try again."))
        else:
            messages.success(request, _("Pool settings saved."))
            return redirect("customers:pool_settings")
    return render(request, "customers/pool_settings.html", {"form": form})


# --- Panel and widget -----------------------------------------------------------------------------


def pool_panel(request, record) -> dict | None:
    """CUS-12 on a customer's page: every claim, release, return and warning, and releasing."""
    if not isinstance(record, Customer):
        return None
    events = list(record.pool_events.select_related("user")[:50])
    can_release = record.owner_id is not None and can(request.user, "edit", record)
    if not events and not can_release and record.owner_id is not None:
        return None
    return {
        "record": record,
        "events": events,
        "can_release": can_release,
        "in_pool": record.owner_id is None,
        "can_claim": record.owner_id is None and pool_is_open_to(request.user),
    }


def returning_soon_widget(request) -> dict | None:
    user = request.user
    if not (user.org_id and user.has_code("customer.view")):
        return None
    rows = pool_services.returning_soon(user=user)
    if not rows:
        return None
    return {"rows": rows}
