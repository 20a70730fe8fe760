from qiao.core.generic import RecordDeleteView, RecordDetailView, RecordEditView, RecordListView

from .filters import CustomerFilter
from .forms import CustomerForm
from .models import Customer
from .tables import CustomerTable


class CustomerViews:
    model = Customer
    url_namespace = "customers"


class CustomerListView(CustomerViews, RecordListView):
    table_class = CustomerTable
    filterset_class = CustomerFilter

    def get_queryset(self):
        return super().get_queryset().select_related("owner", "owner_department")


class CustomerDetailView(CustomerViews, RecordDetailView):
    detail_fields = [
        "name",
        "phone",
        "unified_social_credit_code",
        "owner",
        "owner_department",
        "related_users",
        "related_departments",
        "notes",
    ]


class CustomerEditView(CustomerViews, RecordEditView):
    form_class = CustomerForm


class CustomerDeleteView(CustomerViews, RecordDeleteView):
    pass
