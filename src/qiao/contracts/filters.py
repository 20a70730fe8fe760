import django_filters
from django.utils.translation import gettext_lazy as _

from qiao.core.filters import MainObjectFilter

from .models import Contract, ContractStatus


class ContractFilter(MainObjectFilter):
    search_placeholder = _("Number, title or customer")
    search_fields = ["number", "title", "customer__name"]
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, empty_label=_("Any status"))

    class Meta:
        model = Contract
        fields = ["q", "status", "owner", "owner_department"]
