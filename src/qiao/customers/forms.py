from qiao.core.forms import MainObjectForm

from .models import Customer


class CustomerForm(MainObjectForm):
    class Meta:
        model = Customer
        fields = ["name", "phone", "unified_social_credit_code", "notes", *MainObjectForm.RELATION_FIELDS]
