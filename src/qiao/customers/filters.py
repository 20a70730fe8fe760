from django.utils.translation import gettext_lazy as _

from qiao.core.filters import MainObjectFilter

from .models import Customer


class CustomerFilter(MainObjectFilter):
    search_fields = ["name", "phone", "unified_social_credit_code"]
    search_placeholder = _("Name, phone or credit code")

    class Meta:
        model = Customer
        fields = ["q", "owner", "owner_department"]
