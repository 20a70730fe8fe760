"""Lead pages (LEAD-1, LEAD-2): the generic list / detail / edit / delete configured for leads,
status changes, and the workbench widget they add; conversion and referral rewards are in
views_lead_conversion.py, daily targets in views_lead_targets.py. Every queryset comes from
`visible_to`; every write from the leads package."""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.core import services as core_services
from qiao.core.filters import MainObjectFilter
from qiao.core.forms import LookupSelect, MainObjectForm, whole_number
from qiao.core.generic import RecordDeleteView, RecordDetailView, RecordEditView, RecordListView
from qiao.core.permissions import can
from qiao.core.tables import Table

from . import leads
from .models import Customer, Lead, LeadStatus, ReferralReward, choices

STATUS_BADGES = {
    LeadStatus.NEW: "bg-secondary-lt",
    LeadStatus.CONTACTED: "bg-blue-lt",
    LeadStatus.QUALIFIED: "bg-cyan-lt",
    LeadStatus.HOT: "bg-red text-white",
    LeadStatus.CONVERTED: "bg-green-lt",
    LeadStatus.DISQUALIFIED: "bg-dark-lt",
}


def status_badge(lead: Lead):
    return format_html(
        '<span class="badge {}">{}</span>', STATUS_BADGES.get(lead.status, ""), lead.get_status_display()
    )


# --- Form, filter, table --------------------------------------------------------------------------


class CustomerPicker(LookupSelect):
    """A customer drop-down searched through the customers API as the user types."""

    def __init__(self, attrs=None):
        super().__init__(reverse_lazy("customer-list"), "name", attrs)


class LeadForm(MainObjectForm):
    class Meta:
        model = Lead
        fields = [
            "name",
            "company",
            "title",
            "phone",
            "email",
            "wechat",
            "address",
            "source",
            "follow_up_days",
            "next_follow_up_at",
            "referred_by_customer",
            "referred_by_name",
            "notes",
            *MainObjectForm.RELATION_FIELDS,
        ]
        widgets = {
            "next_follow_up_at": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"title": gettext_lazy("Position")}
        help_texts = {
            "name": gettext_lazy("The person, or the shop or company when you do not know a name yet."),
            "next_follow_up_at": gettext_lazy("Empty: worked out from the last contact and the cadence."),
            "referred_by_name": gettext_lazy("Who introduced the lead, when it is not one of your customers."),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        picker = self.fields["referred_by_customer"]
        picker.queryset = Customer.objects.visible_to(actor)
        picker.widget = CustomerPicker()
        picker.widget.choices = picker.choices
        picker.help_text = _("Type a few letters of the customer's name.")


class LeadFilter(MainObjectFilter):
    search_fields = ["name", "company", "phone", "phone_digits", "name_pinyin", "name_initials", "email"]
    search_placeholder = gettext_lazy("Name, company, pinyin or phone")

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=LeadStatus.choices, empty_label=gettext_lazy("Any status")
    )
    source = django_filters.ChoiceFilter(
        label=gettext_lazy("Source"), choices=choices.Source.choices, empty_label=gettext_lazy("Any source")
    )
    follow_up = django_filters.ChoiceFilter(
        label=gettext_lazy("Follow-up"),
        choices=[
            ("focus", gettext_lazy("My hot leads (work focus)")),
            ("overdue", gettext_lazy("Overdue")),
            ("due", gettext_lazy("Due today or overdue")),
        ],
        empty_label=gettext_lazy("Any"),
        method="by_follow_up",
    )

    class Meta:
        model = Lead
        fields = ["q", "status", "source", "follow_up", "owner", "owner_department"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.user = request.user

    def by_follow_up(self, queryset, name, value):
        today = timezone.localdate()
        if value == "focus":
            return queryset.filter(owner_id=self.user.pk, status=LeadStatus.HOT)
        if value == "overdue":
            return queryset.filter(status__in=leads.OPEN_STATUSES, next_follow_up_at__lt=today)
        if value == "due":
            return queryset.filter(status__in=leads.OPEN_STATUSES, next_follow_up_at__lte=today)
        return queryset


class LeadTable(Table):
    # A record's link leaves the list: not an htmx swap of the results (core/record_list.html boosts them).
    name = tables.Column(linkify=("customers:leads:detail", {"pk": tables.A("pk")}), attrs={"a": {"hx-boost": "false"}})
    status = tables.Column()
    owner = tables.Column(default="—", order_by=("owner__full_name",))
    next_follow_up_at = tables.DateColumn(format="SHORT_DATE_FORMAT")
    created_at = tables.DateTimeColumn(format="SHORT_DATE_FORMAT")

    class Meta:
        model = Lead
        fields = ["name", "company", "phone", "status", "source", "owner", "next_follow_up_at", "created_at"]
        order_by = ("-created_at",)
        attrs = {"class": "table table-vcenter card-table table-hover text-nowrap"}
        empty_text = gettext_lazy("No lead matches these filters.")

    def render_status(self, record):
        return status_badge(record)

    def value_status(self, record):
        return record.get_status_display()

    def render_next_follow_up_at(self, record, value):
        if value is None:
            return "—"
        text = date_format(value, "SHORT_DATE_FORMAT")
        if leads.is_overdue(record):
            return format_html('<span class="text-danger fw-bold" title="{}">{}</span>', _("Overdue"), text)
        return text

    def value_next_follow_up_at(self, record, value):
        return value.isoformat() if value else ""


# --- Generic pages --------------------------------------------------------------------------------


class LeadViews:
    model = Lead
    url_namespace = "customers:leads"


class LeadListView(LeadViews, RecordListView):
    table_class = LeadTable
    filterset_class = LeadFilter

    def get_queryset(self):
        return super().get_queryset().select_related("owner")


class LeadDetailView(LeadViews, RecordDetailView):
    template_name = "customers/lead_detail.html"
    labels = {"title": gettext_lazy("position")}  # the person's title at the company, not a headline
    detail_fields = [
        "company",
        "title",
        "phone",
        "email",
        "wechat",
        "address",
        "source",
        "follow_up_days",
        "owner",
        "owner_department",
        "related_users",
        "related_departments",
        "notes",
    ]

    def get(self, request, pk: int):
        from qiao.core import panels

        lead = self.get_record(pk)
        user = request.user
        fields = [
            (self.labels.get(name) or lead._meta.get_field(name).verbose_name, self.display(lead, name))
            for name in self.detail_fields
        ]
        can_edit = can(user, "edit", lead)
        converted = None
        if lead.converted_customer_id:
            converted = Customer.objects.visible_to(user).filter(pk=lead.converted_customer_id).first()
        return render(
            request,
            self.template_name,
            self.base_context(
                record=lead,
                fields=fields,
                can_edit=can_edit,
                can_delete=can(user, "delete", lead),
                panels=panels.panels_for(request, lead),
                status_badge=status_badge(lead),
                overdue=leads.is_overdue(lead),
                next_statuses=[(s, _label(s)) for s in leads.allowed_statuses(lead)] if can_edit else [],
                can_convert=can_edit and lead.status in leads.OPEN_STATUSES and user.has_code("customer.add"),
                chain=leads.referral_chain(viewer=user, lead=lead),
                converted_customer=converted,
                duplicates=leads.lead_duplicates(viewer=user, lead=lead)
                if lead.status in leads.OPEN_STATUSES
                else None,
                reward=ReferralReward.objects.filter(lead=lead).select_related("paid_by").first(),
            ),
        )


def _label(status: str) -> str:
    return str(dict(LeadStatus.choices)[status])


class LeadEditView(LeadViews, RecordEditView):
    form_class = LeadForm


class LeadDeleteView(LeadViews, RecordDeleteView):
    pass


def _visible_lead(request, pk: int) -> Lead:
    lead = Lead.objects.visible_to(request.user).filter(pk=pk).first()
    if lead is None:
        raise Http404
    return lead


STALE_MESSAGE = gettext_lazy(
    "Someone else changed this lead while you were looking at it. Check the page and try again."
)


@login_required
@require_POST
def lead_status(request, pk: int):
    """Contacted, qualified, hot, disqualified (with a reason) or reopened."""
    lead = _visible_lead(request, pk)
    try:
        leads.lead_change_status(
            actor=request.user,
            lead=lead,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            version=whole_number(request.POST.get("version")),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except core_services.StaleVersion:
        messages.error(request, STALE_MESSAGE)
    else:
        lead.refresh_from_db()
        messages.success(
            request, _("%(lead)s is now “%(status)s”.") % {"lead": lead, "status": lead.get_status_display()}
        )
    return redirect("customers:leads:detail", lead.pk)


# --- Workbench widget -----------------------------------------------------------------------------


def hot_leads_widget(request) -> dict | None:
    """LEAD-2: the owner's hot leads, on their work-focus list."""
    user = request.user
    if not (user.org_id and user.has_code("lead.view")):
        return None
    hot = (
        Lead.objects.visible_to(user)
        .filter(owner_id=user.pk, status=LeadStatus.HOT)
        .order_by("next_follow_up_at", "-created_at")
    )
    rows = list(hot[:8])
    for lead in rows:
        lead.overdue = leads.is_overdue(lead)
    return {"leads": rows, "count": hot.count() if len(rows) == 8 else len(rows)}
