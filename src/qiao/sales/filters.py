import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.core.filters import MainObjectFilter
from qiao.customers.models.choices import Source

from .models import Opportunity, OpportunityStatus, Stage


class OpportunityFilter(MainObjectFilter):
    search_placeholder = _("Customer, opportunity, contact, phone or region")
    status = django_filters.ChoiceFilter(choices=OpportunityStatus.choices, empty_label=_("Any status"))
    stage = django_filters.ModelChoiceFilter(queryset=Stage.objects.none(), empty_label=_("Any stage"))
    source = django_filters.ChoiceFilter(choices=Source.choices, empty_label=_("Any source"))

    class Meta:
        model = Opportunity
        fields = ["q", "status", "stage", "source", "owner", "owner_department"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["stage"].queryset = Stage.objects.filter(org_id=request.user.org_id).order_by("position")
        for name in self.form.fields:
            if name != "q":
                self.form.fields[name].widget.attrs["class"] = "form-select"

    def search(self, queryset, name, value):
        """Text in the names and region; four or more digits also in the phone, however written."""
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in ("title", "customer_name", "contact_name", "region"):
            condition |= Q(**{f"{field}__icontains": value})
        digits = "".join(character for character in value if character.isdigit())
        if len(digits) >= 4:
            condition |= Q(phone_digits__contains=digits)
        return queryset.filter(condition)


class BoardFilter(MainObjectFilter):
    """The kanban's and the reports' filters: search, owner, department."""

    search_placeholder = _("Customer, opportunity or contact")
    search_fields = ["title", "customer_name", "contact_name"]

    class Meta:
        model = Opportunity
        fields = ["q", "owner", "owner_department"]
