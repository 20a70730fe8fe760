"""The data verification call (CUS-5): a guided script page for the caller, and the panel on the
customer's page with when it was last verified and the calls made. Only the customer's editors
record a call; the rules live in verification.py."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core.forms import StyledFormMixin, add_service_errors
from qiao.core.permissions import can
from qiao.core.services import StaleVersion, require

from . import verification
from .models import Customer, choices

CHECK_CHOICES = [("confirmed", gettext_lazy("Confirmed")), ("corrected", gettext_lazy("Corrected"))]


class VerificationCallForm(StyledFormMixin, forms.Form):
    called_number = forms.CharField(label=gettext_lazy("Number called"), max_length=32, required=False)
    reached = forms.BooleanField(label=gettext_lazy("Someone answered"), required=False, initial=True)
    name_check = forms.ChoiceField(
        label=gettext_lazy("Shop name"),
        choices=CHECK_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    corrected_name = forms.CharField(
        label=gettext_lazy("Shop name as the customer gave it"), max_length=200, required=False
    )
    address_check = forms.ChoiceField(
        label=gettext_lazy("Address"),
        choices=CHECK_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    corrected_address = forms.CharField(
        label=gettext_lazy("Address as the customer gave it"), max_length=255, required=False
    )
    mobile = forms.CharField(label=gettext_lazy("Mobile number"), max_length=32, required=False)
    gender = forms.ChoiceField(
        label=gettext_lazy("Gender"),
        choices=choices.Gender.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    attitude = forms.ChoiceField(
        label=gettext_lazy("Attitude"),
        choices=choices.Attitude.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _editable_customer(request, pk: int) -> Customer:
    customer = Customer.objects.visible_to(request.user).filter(pk=pk).first()
    if customer is None:
        raise Http404
    require(request.user, "edit", customer)  # visible but not editable: 403
    return customer


@login_required
def verification_call(request, pk: int):
    customer = _editable_customer(request, pk)
    numbers = [number for number in (customer.phone, customer.mobile) if number]
    if request.method == "POST":
        form = VerificationCallForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                verification.verification_call_record(
                    actor=request.user,
                    customer=customer,
                    version=data["version"],
                    called_number=data["called_number"],
                    reached=data["reached"],
                    name_confirmed=data["name_check"] == "confirmed",
                    corrected_name=data["corrected_name"] if data["name_check"] == "corrected" else "",
                    address_confirmed=data["address_check"] == "confirmed",
                    corrected_address=data["corrected_address"] if data["address_check"] == "corrected" else "",
                    mobile=data["mobile"],
                    gender=data["gender"],
                    attitude=data["attitude"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except StaleVersion:
                form.add_error(
                    None,
                    _(
                        "Someone else saved this customer while you were on the call. Nothing was saved: "
                        "reload the page and record the call again."
                    ),
                )
            else:
                if data["reached"]:
                    messages.success(request, _("The call is recorded and %(name)s is verified.") % {"name": customer})
                else:
                    messages.success(request, _("The call attempt is recorded."))
                return redirect("customers:detail", customer.pk)
        customer.refresh_from_db()
    else:
        form = VerificationCallForm(
            initial={"called_number": numbers[0] if numbers else "", "version": customer.version}
        )
    return render(
        request,
        "customers/verification_call.html",
        {
            "customer": customer,
            "form": form,
            "numbers": numbers,
            "called_is_landline": bool(numbers) and not verification.is_mobile(numbers[0]),
            "last_call": customer.verification_calls.select_related("caller").first(),
        },
    )


def panel_context(request, record) -> dict | None:
    if not isinstance(record, Customer):
        return None
    return {
        "record": record,
        "calls": list(record.verification_calls.select_related("caller")[:20]),
        "can_verify": can(request.user, "edit", record),
    }
