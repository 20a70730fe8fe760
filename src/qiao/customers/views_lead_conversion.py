"""Converting a lead (LEAD-1) and what conversions lead to (LEAD-3): the conversion page, the
referral rewards it makes due, and the referrals panel on a customer's page. Every queryset comes
from `visible_to`; every write from the leads package."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.core import services as core_services
from qiao.core.forms import StyledFormMixin, whole_number

from . import leads
from .models import Customer, Lead, LeadStatus, ReferralReward
from .views_leads import STALE_MESSAGE, _visible_lead, status_badge

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
