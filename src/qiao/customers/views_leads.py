"""Lead pages (LEAD-1 … LEAD-3, LEAD-5): the generic list / detail / edit / delete configured for
leads, status changes, conversion, referral rewards, daily targets, and the workbench widgets and
record panels they add. Every queryset comes from `visible_to`; every write from the leads package."""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.core import services as core_services
from qiao.core.filters import MainObjectFilter
from qiao.core.forms import LookupSelect, MainObjectForm, StyledFormMixin, whole_number
from qiao.core.generic import RecordDeleteView, RecordDetailView, RecordEditView, RecordListView
from qiao.core.permissions import can
from qiao.core.tables import Table

from . import leads
from .leads import targets as lead_targets
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


# --- Conversion -----------------------------------------------------------------------------------


class ConversionForm(StyledFormMixin, forms.Form):
    customer_name = forms.CharField(label=gettext_lazy("Customer name"), max_length=200)
    customer_phone = forms.CharField(label=gettext_lazy("Customer phone"), max_length=32, required=False)
    contact_name = forms.CharField(label=gettext_lazy("Primary contact"), max_length=60)
    contact_title = forms.CharField(label=gettext_lazy("Position"), max_length=60, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("Contact's phone"), max_length=32, required=False)
    target = forms.CharField(widget=forms.HiddenInput, required=False)
    ignore_duplicates = forms.BooleanField(
        label=gettext_lazy("It is a different company: create a new customer anyway"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


@login_required
def lead_convert(request, pk: int):
    """Shows the customer and contact the lead becomes, filled from the lead, and the customers it
    may already be; converting creates them, or links the lead to one of those customers."""
    lead = _visible_lead(request, pk)
    core_services.require(request.user, "edit", lead)
    if lead.status == LeadStatus.CONVERTED:
        messages.error(request, _("This lead is already converted; it cannot be converted again."))
        return redirect("customers:leads:detail", lead.pk)
    customer_data, contact_data = leads.conversion_customer_data(lead), leads.conversion_contact_data(lead)
    initial = {
        "customer_name": customer_data["name"],
        "customer_phone": customer_data["phone"],
        "contact_name": contact_data["name"],
        "contact_title": contact_data["title"],
        "contact_phone": contact_data["phone"],
        "version": lead.version,
    }
    form = ConversionForm(request.POST or None, initial=initial)
    options = leads.conversion_options(request.user)
    for option in options:  # what later modules offer, e.g. "also register an opportunity"
        form.fields[option.name] = forms.BooleanField(label=option.label, help_text=option.help_text, required=False)
    duplicates = leads.lead_duplicates(viewer=request.user, lead=lead, types=("customer",))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        link = None
        if data["target"]:
            link = _visible_customer(request.user, data["target"])
        try:
            conversion = leads.lead_convert(
                actor=request.user,
                lead=lead,
                customer=link,
                customer_data={"name": data["customer_name"], "phone": data["customer_phone"]},
                contact_data={
                    "name": data["contact_name"],
                    "title": data["contact_title"],
                    "phone": data["contact_phone"],
                },
                ignore_duplicates=data["ignore_duplicates"],
                version=data["version"],
                options={option.name: data.get(option.name, False) for option in options},
            )
        except ValidationError as error:
            _conversion_errors(form, error, options)
        except core_services.StaleVersion:
            form.add_error(None, STALE_MESSAGE)
        else:
            text = _("%(lead)s is now the customer %(customer)s.")
            if conversion.linked:
                text = _("%(lead)s is linked to the existing customer %(customer)s.")
            messages.success(request, text % {"lead": lead, "customer": conversion.customer})
            if conversion.reward is not None:
                messages.info(
                    request,
                    _("A referral reward is now due to %(name)s.") % {"name": conversion.reward.introducer_name},
                )
            for text in conversion.extras.get("messages", []):
                messages.info(request, text)
            return redirect("customers:detail", conversion.customer.pk)
    return render(
        request,
        "customers/lead_convert.html",
        {
            "lead": lead,
            "form": form,
            "duplicates": duplicates,
            "customer_data": customer_data,
            "option_fields": [form[option.name] for option in options],
        },
    )


def _visible_customer(user, pk: str) -> Customer:
    customer = Customer.objects.visible_to(user).filter(pk=whole_number(pk) or 0).first()
    if customer is None:
        raise Http404
    return customer


CONVERSION_FIELDS = {"name": "customer_name", "phone": "customer_phone"}


def _conversion_errors(form, error: ValidationError, options=()) -> None:
    """The customer's and the contact's errors next to the fields the user typed them in; a later
    step's errors next to its option."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    own = {option.name for option in options}
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in own else CONVERSION_FIELDS.get(field), field_messages)


# --- Referral rewards (LEAD-3) --------------------------------------------------------------------


@login_required
def reward_list(request):
    rewards = leads.rewards_visible_to(request.user)
    status = request.GET.get("status", "due")
    if status in ReferralReward.Status.values:
        rewards = rewards.filter(status=status)
    rows = list(rewards.order_by("-due_since")[:200])
    editable = {
        pk
        for pk in Lead.objects.visible_to(request.user, "edit")
        .filter(pk__in=[r.lead_id for r in rows])
        .values_list("pk", flat=True)
    }
    visible_customers = set(
        Customer.objects.visible_to(request.user)
        .filter(pk__in=[r.introducer_customer_id for r in rows if r.introducer_customer_id])
        .values_list("pk", flat=True)
    )
    for reward in rows:
        reward.can_pay = reward.status == ReferralReward.Status.DUE and reward.lead_id in editable
        reward.introducer_visible = reward.introducer_customer_id in visible_customers
    return render(
        request,
        "customers/lead_rewards.html",
        {"rewards": rows, "status": status, "statuses": ReferralReward.Status.choices},
    )


@login_required
@require_POST
def reward_pay(request, pk: int):
    reward = get_object_or_404(leads.rewards_visible_to(request.user), pk=pk)
    try:
        leads.referral_reward_mark_paid(actor=request.user, reward=reward)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The reward to %(name)s is recorded as paid.") % {"name": reward.introducer_name})
    return redirect(f"{reverse('customers:lead_rewards')}?status=due")


# --- Daily contact targets (LEAD-5) ---------------------------------------------------------------


@login_required
def targets(request):
    """The manager's team view: each employee's target and today's calls; targets are set here."""
    team = list(lead_targets.target_team(request.user).order_by("department__path", "full_name"))
    if not team:
        raise Http404
    if request.method == "POST":
        changed, problems = 0, []
        by_pk = {employee.pk: employee for employee in team}
        for key, value in request.POST.items():
            employee = by_pk.get(whole_number(key.removeprefix("target-"))) if key.startswith("target-") else None
            if employee is None:
                continue
            value = value.strip()
            try:
                number = int(value) if value else None
            except ValueError:
                problems.append(_("%(name)s: “%(value)s” is not a number.") % {"name": employee, "value": value})
                continue
            try:
                lead_targets.daily_target_set(actor=request.user, employee=employee, prospect_calls=number)
                changed += 1
            except ValidationError as error:
                problems.append(f"{employee}: {' '.join(error.messages)}")
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            messages.success(request, _("Daily targets saved."))
        return redirect("customers:targets")
    return render(
        request,
        "customers/targets.html",
        {
            "rows": lead_targets.progress_of(viewer=request.user, employees=team),
            "max_target": lead_targets.MAX_DAILY_TARGET,
        },
    )


# --- Workbench widgets and record panels ----------------------------------------------------------


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


def daily_target_widget(request) -> dict | None:
    """LEAD-5: today's calls against the employee's own target; managers get a link to their team."""
    user = request.user
    if not user.org_id:
        return None
    is_manager = lead_targets.target_team(user).exists()
    progress = lead_targets.progress_of(viewer=user, employees=[user])[0]
    if progress.target is None and not is_manager:
        return None
    return {"progress": progress, "is_manager": is_manager}


def referrals_panel(request, record) -> dict | None:
    """LEAD-3 on a customer's page: the leads it introduced and the chain it came through."""
    if not isinstance(record, Customer):
        return None
    referred = list(leads.referrals_of(viewer=request.user, customer=record)[:50])
    origin = Lead.objects.visible_to(request.user).filter(converted_customer=record).first()
    chain = leads.referral_chain(viewer=request.user, lead=origin) if origin is not None else []
    if not referred and not chain:
        return None
    visible_customers = set(
        Customer.objects.visible_to(request.user)
        .filter(pk__in=[lead.converted_customer_id for lead in referred if lead.converted_customer_id])
        .values_list("pk", flat=True)
    )
    for lead in referred:
        lead.badge = status_badge(lead)
        lead.customer_visible = lead.converted_customer_id in visible_customers
        lead.reward = getattr(lead, "referral_reward", None)
    return {"referred": referred, "origin": origin, "chain": chain}
