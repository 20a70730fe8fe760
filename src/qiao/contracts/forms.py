from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import LookupSelect, MainObjectForm, StyledFormMixin
from qiao.customers.models import Customer
from qiao.customers.views_leads import CustomerPicker
from qiao.sales.models import Opportunity

from .models import Contract


class OpportunityPicker(LookupSelect):
    def __init__(self, attrs=None):
        super().__init__(reverse_lazy("opportunity-list"), "name", attrs)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONTRACT_FIELDS = ["number", "title", "amount", "currency", "sign_date", "start_date", "end_date", "status", "terms"]


class ContractFieldsMixin(StyledFormMixin):
    """The contract's own fields (CON-1), shared by the contract form and the "won" form."""

    def style_contract_fields(self):
        for name in ("sign_date", "start_date", "end_date"):
            if name in self.fields:
                self.fields[name].widget = DATE
                self.fields[name].widget.attrs["class"] = "form-control"
        if "terms" in self.fields:
            self.fields["terms"].widget.attrs["rows"] = 4
        for name in ("number", "amount", "sign_date"):
            if name in self.fields:
                self.fields[name].required = True


class ContractForm(ContractFieldsMixin, MainObjectForm):
    class Meta:
        model = Contract
        fields = [
            *CONTRACT_FIELDS[:2],
            "customer",
            "opportunity",
            *CONTRACT_FIELDS[2:],
            "signed_file",
            *MainObjectForm.RELATION_FIELDS,
        ]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.style_contract_fields()
        # A choice among what the user sees, looked up by name as they type (an organization may
        # have a million customers: only the chosen one is in the page).
        for name, queryset, picker in (
            ("customer", Customer.objects.visible_to(actor), CustomerPicker()),
            ("opportunity", Opportunity.objects.visible_to(actor), OpportunityPicker()),
        ):
            field = self.fields[name]
            field.queryset = queryset
            field.widget = picker
            field.widget.choices = field.choices
            field.help_text = _("Type a few letters of the name.")
        self.fields["customer"].required = True
        self.fields["signed_file"].help_text = _("PDF, OFD, image, Word or ZIP; at most 20 MB.")


class ContractWinForm(ContractFieldsMixin, forms.ModelForm):
    """The contract entered when an opportunity is won (OPP-6)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contract
        fields = [*CONTRACT_FIELDS, "signed_file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_contract_fields()
        self.fields["status"].initial = "signed"

    def _post_clean(self):
        pass  # the contract is validated by the service, with its customer and organization
