"""Forms of opportunities: the registration with its six required facts (OPP-1), the follow-up
edit (OPP-5), the reasons of a return, an override or a loss, a competitor, a team member and a
sales stage. The rules are the services'; their errors come back next to the fields they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.contracts.forms import DATE
from qiao.core.forms import MainObjectForm, StyledFormMixin
from qiao.customers.models import Contact, Customer
from qiao.customers.views_leads import CustomerPicker
from qiao.org.models import User

from .models import REGISTRATION_FIELDS, Competitor, Opportunity, OpportunityStatus, Stage, business_role_label

REGISTRATION = ["title", *REGISTRATION_FIELDS]
FOLLOW_UP = ["amount", "currency", "expected_close_date", "contacts", "samples", "project_summary"]


class OpportunityForm(MainObjectForm):
    """Registration (no record yet) and editing. After approval the customer is fixed for everyone
    but an administrator (OPP-3)."""

    class Meta:
        model = Opportunity
        fields = [*REGISTRATION, "customer", *FOLLOW_UP, *MainObjectForm.RELATION_FIELDS]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "samples": forms.Textarea(attrs={"rows": 2}),
            "project_summary": forms.Textarea(attrs={"rows": 3}),
            "expected_close_date": DATE,
        }
        help_texts = {"region": _("Sales region or city, e.g. 华东 or 杭州.")}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        for name in REGISTRATION_FIELDS:
            self.fields[name].required = True
        picker = self.fields["customer"]
        picker.queryset = Customer.objects.visible_to(actor)
        picker.widget = CustomerPicker()
        picker.widget.choices = picker.choices
        picker.help_text = _("Optional: the customer record, when it is already in the archive.")
        self.fields["expected_close_date"].widget.attrs["class"] = "form-control"
        customer = self.instance.customer if self.instance.pk else None
        contacts = self.fields["contacts"]
        contacts.queryset = Contact.objects.filter(customer=customer) if customer else Contact.objects.none()
        contacts.widget.attrs.update({"data-enhance": "1", "class": "form-select"})
        contacts.help_text = _("People at the customer involved in this deal.")
        if not self.instance.pk:
            for name in FOLLOW_UP:
                if name not in {"amount", "expected_close_date"}:
                    del self.fields[name]
        elif self.instance.status == OpportunityStatus.APPROVED and not actor.has_code("org.manage"):
            for name in ("customer_name", "customer"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("A registered opportunity keeps its customer.")
        elif self.instance.status != OpportunityStatus.APPROVED:
            del self.fields["contacts"]


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LoseForm(ReasonForm):
    competitor = forms.ModelChoiceField(
        label=_("Lost to"), queryset=Competitor.objects.none(), required=False, empty_label=_("Unknown / none")
    )
    competitor_name = forms.CharField(
        label=_("… or another competitor"), max_length=200, required=False, help_text=_("A competitor not listed yet.")
    )

    def __init__(self, *args, opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competitor"].queryset = Competitor.objects.filter(opportunity=opportunity)


class CompetitorForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Competitor
        fields = ["name", "strengths", "weaknesses"]
        widgets = {"strengths": forms.Textarea(attrs={"rows": 2}), "weaknesses": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass


class TeamMemberForm(StyledFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("Employee"), queryset=User.objects.none())
    business_role = forms.ChoiceField(label=_("Business role"), required=False)

    def __init__(self, *args, actor, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.visible_to(actor).filter(is_active=True).order_by("full_name")
        self.fields["user"].widget.attrs.update({"data-enhance": "1"})
        self.fields["business_role"].choices = [
            ("", _("No role")),
            *((role, business_role_label(role)) for role in roles),
        ]


class StageForm(StyledFormMixin, forms.ModelForm):
    business_role = forms.CharField(label=_("Business role"), max_length=100, required=False)

    class Meta:
        model = Stage
        fields = ["name", "kind", "position", "probability", "ageing_limit_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["business_role"] = self.instance.business_role
            self.fields["name"].widget.attrs["placeholder"] = str(self.instance)

    def _post_clean(self):
        pass
