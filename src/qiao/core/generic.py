"""Generic pages of a main object — list, detail, create, edit, delete — configured by class
attributes (NetBox-style), so each new object type declares its model, table, filter and form and
gets pages that obtain every queryset from `visible_to` and every write from the shared services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from . import panels, services
from .forms import add_service_errors
from .permissions import can, object_type_of

EXPORT_FORMATS = ("xlsx", "csv")


class RecordView(LoginRequiredMixin, View):
    model = None
    url_namespace = ""  # e.g. "customers"; the views are named list, detail, add, edit, delete

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.url_namespace}:{name}", args=args)

    def get_record(self, pk: int, action: str = "view"):
        """Invisible → 404; visible but not permitted → 403 (PERM-3, PERM-4)."""
        record = self.model.objects.visible_to(self.request.user, "view").filter(pk=pk).first()
        if record is None:
            raise Http404
        if action != "view" and not can(self.request.user, action, record):
            raise PermissionDenied(_("You may view this record but not change it."))
        return record

    def base_context(self, **extra) -> dict:
        kind = object_type_of(self.model)
        return {"kind": kind, "namespace": self.url_namespace, **extra}


class RecordListView(RecordView):
    table_class = None
    filterset_class = None
    template_name = "core/record_list.html"
    per_page = 25

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get(self, request):
        record_filter = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        table = self.table_class(record_filter.qs)
        export_format = request.GET.get("export")
        if export_format in EXPORT_FORMATS:
            return self.export(table, export_format)
        RequestConfig(request, paginate={"per_page": self.per_page}).configure(table)
        template = f"{self.template_name}#results" if request.htmx and not request.htmx.boosted else self.template_name
        kind = object_type_of(self.model)
        return render(
            request,
            template,
            self.base_context(
                filter=record_filter,
                table=table,
                can_add=request.user.has_code(f"{kind.code}.add"),
                export_formats=EXPORT_FORMATS,
            ),
        )

    def export(self, table, export_format: str):
        """The filtered list, every row the user can see, as a spreadsheet (CUS-7, PERM-3)."""
        RequestConfig(self.request, paginate=False).configure(table)
        kind = object_type_of(self.model)
        filename = f"{kind.label_plural}-{timezone.localdate():%Y%m%d}.{export_format}"
        return TableExport(export_format, table).response(filename=filename)


class RecordDetailView(RecordView):
    template_name = "core/record_detail.html"
    detail_fields: list[str] = []

    def get(self, request, pk: int):
        record = self.get_record(pk)
        fields = [
            (record._meta.get_field(name).verbose_name, self.display(record, name)) for name in self.detail_fields
        ]
        return render(
            request,
            self.template_name,
            self.base_context(
                record=record,
                fields=fields,
                can_edit=can(request.user, "edit", record),
                can_delete=can(request.user, "delete", record),
                panels=panels.panels_for(request, record),
            ),
        )

    @staticmethod
    def display(record, name: str):
        display = getattr(record, f"get_{name}_display", None)
        value = display() if display else getattr(record, name)
        if hasattr(value, "all"):
            return ", ".join(str(item) for item in value.all()) or "—"
        return value if value not in (None, "") else "—"


class RecordEditView(RecordView):
    form_class = None
    template_name = "core/record_form.html"

    def form(self, record=None, data=None):
        return self.form_class(data, instance=record, actor=self.request.user)

    def get(self, request, pk: int | None = None):
        record = self.get_record(pk, "edit") if pk else self.require_add()
        return render(request, self.template_name, self.base_context(record=record, form=self.form(record)))

    def require_add(self):
        services.require_add(self.request.user, self.model)
        return None

    def post(self, request, pk: int | None = None):
        record = self.get_record(pk, "edit") if pk else self.require_add()
        form = self.form(record, request.POST)
        if form.is_valid():
            data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
            try:
                if record is None:
                    record = services.main_object_create(actor=request.user, model=self.model, data=data)
                    messages.success(request, _("Created %(record)s.") % {"record": record})
                else:
                    services.main_object_update(
                        actor=request.user, obj=record, data=data, version=form.cleaned_data.get("version")
                    )
                    messages.success(request, _("Saved %(record)s.") % {"record": record})
            except ValidationError as error:
                add_service_errors(form, error)
            except services.StaleVersion:
                form.add_error(
                    None,
                    _(
                        "Someone else saved this record while you were editing it. "
                        "Reload the page to see their change, then apply yours again."
                    ),
                )
            else:
                return redirect(self.url("detail", record.pk))
        return render(request, self.template_name, self.base_context(record=record, form=form))


class RecordDeleteView(RecordView):
    template_name = "core/record_confirm_delete.html"

    def get(self, request, pk: int):
        return render(request, self.template_name, self.base_context(record=self.get_record(pk, "delete")))

    def post(self, request, pk: int):
        record = self.get_record(pk, "delete")
        services.main_object_delete(actor=request.user, obj=record)
        messages.success(request, _("%(record)s is in the recycle bin.") % {"record": record})
        return redirect(self.url("list"))
