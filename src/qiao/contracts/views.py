"""Pages of contracts (CON-1): the generic list, detail, form and delete, and the signed file's
download after the permission check."""

from django.http import FileResponse, Http404

from qiao.core.generic import RecordDeleteView, RecordDetailView, RecordEditView, RecordListView, RecordView

from . import services
from .filters import ContractFilter
from .forms import ContractForm
from .models import Contract
from .tables import ContractTable


class ContractViews:
    model = Contract
    url_namespace = "contracts"


class ContractListView(ContractViews, RecordListView):
    table_class = ContractTable
    filterset_class = ContractFilter

    def get_queryset(self):
        return super().get_queryset().select_related("customer", "opportunity", "owner")


class ContractDetailView(ContractViews, RecordDetailView):
    template_name = "contracts/contract_detail.html"
    detail_fields = [
        "number",
        "title",
        "customer",
        "opportunity",
        "amount",
        "currency",
        "sign_date",
        "start_date",
        "end_date",
        "status",
        "terms",
        "owner",
        "owner_department",
        "related_users",
        "related_departments",
    ]


class ContractEditView(ContractViews, RecordEditView):
    form_class = ContractForm
    template_name = "contracts/contract_form.html"

    def form(self, record=None, data=None):
        files = self.request.FILES if data is not None else None
        return self.form_class(data, files, instance=record, actor=self.request.user)

    def create(self, data: dict):
        return services.contract_create(actor=self.request.user, data=data)

    def update(self, record, data: dict, version):
        return services.contract_update(actor=self.request.user, contract=record, data=data, version=version)


class ContractDeleteView(ContractViews, RecordDeleteView):
    pass


class ContractFileView(ContractViews, RecordView):
    """The signed contract, for whoever can view the contract (never a public media URL)."""

    def get(self, request, pk: int):
        return signed_file_response(self.get_record(pk))


def signed_file_response(contract: Contract) -> FileResponse:
    """The signed file as a download (page and API alike); 404 when none was uploaded. The caller
    has checked that the user may view the contract."""
    if not contract.signed_file:
        raise Http404
    return FileResponse(
        contract.signed_file.open("rb"), as_attachment=True, filename=contract.signed_file_name or "contract"
    )
