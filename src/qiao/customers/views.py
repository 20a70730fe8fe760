"""Pages of the customer archive: the list with search, filters, columns and facets (CUS-4,
CUS-6), the customer's page with its profile, contacts and panels (CUS-1, CUS-2), the form, and
revert from the history (CUS-11). Views stay thin: querysets from `visible_to`, writes through
the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import retarget

from qiao.core import panels
from qiao.core import services as core_services
from qiao.core.forms import add_service_errors, whole_number
from qiao.core.generic import (
    EXPORT_FORMATS,
    RecordDeleteView,
    RecordDetailView,
    RecordEditView,
    RecordListView,
    RecordRevertView,
    RecordView,
)
from qiao.core.permissions import can

from . import queries, services
from .birthdays import next_birthday
from .filters import CLASSIFICATION_FILTERS, CustomerFilter
from .forms import SECTIONS, ContactForm, CustomerForm
from .models import Contact, Customer
from .tables import DEFAULT_COLUMNS, CustomerTable, SearchResultsData, column_choices

COLUMNS_SESSION_KEY = "customers.list.columns"
DEFAULT_FACETS = ["size", "cooperation_status", "abc_class", "lifecycle"]
MAX_FACETS = 4


class CustomerViews:
    model = Customer
    url_namespace = "customers"


# --- List, columns and facets ---------------------------------------------------------------------


def chosen_columns(request) -> list[str]:
    """The columns this user shows: what they chose last (kept in the session), else the default."""
    valid = {name for name, _label in column_choices()}
    if request.GET.get("set_columns"):
        chosen = [name for name in request.GET.getlist("columns") if name in valid]
        request.session[COLUMNS_SESSION_KEY] = chosen
        return chosen
    saved = request.session.get(COLUMNS_SESSION_KEY)
    return [name for name in saved if name in valid] if saved is not None else DEFAULT_COLUMNS


def facet_fields(columns: list[str]) -> list[str]:
    """The classifications to count: those shown as columns (at most four, so the counts stay a
    handful of grouped queries), or the usual four when none is shown."""
    shown = [name for name in columns if name in queries.FACET_FIELDS][:MAX_FACETS]
    return shown or DEFAULT_FACETS


def query_without(params: QueryDict, *names: str) -> QueryDict:
    params = params.copy()
    for name in (*names, "page", "export", "set_columns", "columns"):
        params.pop(name, None)
    return params


class CustomerListView(CustomerViews, RecordListView):
    table_class = CustomerTable
    filterset_class = CustomerFilter
    template_name = "customers/customer_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("owner", "owner_department").prefetch_related("tags")

    def get_table(self, queryset):
        searching = self.request.GET.get("q", "").strip()
        if searching and not self.request.GET.get("sort") and self.request.GET.get("export") not in EXPORT_FORMATS:
            # A search in the default order (newest first) pages through its matches the fast way.
            queryset = SearchResultsData(queries.SearchResults(queryset))
        table = super().get_table(queryset)
        if self.request.GET.get("export") not in EXPORT_FORMATS:
            table.show_only(chosen_columns(self.request))
        return table

    def list_context(self, record_filter, table) -> dict:
        columns = chosen_columns(self.request)
        filters = query_without(self.request.GET)
        return {
            "column_choices": column_choices(),
            "shown_columns": columns,
            "classification_fields": [record_filter.form[name] for name in CLASSIFICATION_FILTERS],
            "filter_query": filters.urlencode(),
            "filter_params": [(key, value) for key in filters for value in filters.getlist(key)],
            "more_filters_open": any(self.request.GET.get(name) for name in CLASSIFICATION_FILTERS),
        }


class CustomerFacetsView(CustomerViews, RecordView):
    """The facet counts of the list (CUS-4): per class, how many of the customers the user sees
    under the current filters fall in it — each dimension counted without its own filter, so the
    other classes stay visible. Loaded after the list, so the list never waits for them."""

    def get(self, request):
        visible = Customer.objects.visible_to(request.user)
        dimensions = []
        for field in facet_fields(chosen_columns(request)):
            others = query_without(request.GET, field)
            record_filter = CustomerFilter(others, queryset=visible, request=request)
            selected = request.GET.get(field, "")
            rows = []
            for row in queries.facet_counts(record_filter.qs, field):
                if row["value"] == "":
                    row["label"] = _("Not set")
                    row["query"] = None
                else:
                    target = others.copy()
                    if row["value"] != selected:
                        target[field] = row["value"]
                    row["query"] = target.urlencode()
                row["selected"] = row["value"] != "" and row["value"] == selected
                rows.append(row)
            dimensions.append({"field": field, "label": Customer._meta.get_field(field).verbose_name, "rows": rows})
        return render(request, "customers/_facets.html", {"dimensions": dimensions})


# --- The customer's page -------------------------------------------------------------------------


def profile_sections(record) -> list[dict]:
    """The archive as the customer's page shows it: each section with the fields that hold a
    value, as people read them (labels, not codes)."""
    shown = []
    for section in SECTIONS:
        if section.key in {"team", "notes"}:
            continue
        rows = []
        for name in section.fields:
            if name.startswith("birthday_") or name in {"latitude", "longitude"}:
                continue
            field = Customer._meta.get_field(name)
            value = RecordDetailView.display(record, name)
            if value != "—":
                rows.append({"name": name, "label": field.verbose_name, "value": value})
            if name == "boss_gender" and record.has_birthday:
                rows.append({"name": "birthday", "label": _("Birthday"), "value": birthday_text(record)})
        if section.key == "address" and record.latitude is not None and record.longitude is not None:
            rows.append(
                {"name": "location", "label": _("Map position"), "value": f"{record.latitude}, {record.longitude}"}
            )
        shown.append({"section": section, "rows": rows})
    return shown


def birthday_text(record) -> str:
    """'1975-03-15 (lunar, leap month) · next 2026-05-01' — a birthday as written, and when it
    falls next (CUS-10)."""
    if not record.has_birthday:
        return ""
    date = f"{record.birthday_month:02d}-{record.birthday_day:02d}"
    if record.birthday_year:
        date = f"{record.birthday_year}-{date}"
    if record.birthday_calendar == "lunar":
        date = _("%(date)s (lunar%(leap)s)") % {
            "date": date,
            "leap": _(", leap month") if record.birthday_leap_month else "",
        }
    upcoming = next_birthday(record, timezone.localdate())
    if upcoming:
        date = _("%(date)s · next on %(next)s") % {"date": date, "next": upcoming.isoformat()}
    return date


class CustomerDetailView(CustomerViews, RecordDetailView):
    template_name = "customers/customer_detail.html"

    def get(self, request, pk: int):
        record = self.get_record(pk)
        can_edit = can(request.user, "edit", record)
        return render(
            request,
            self.template_name,
            self.base_context(
                record=record,
                tags=list(record.tags.all()),
                sections=profile_sections(record),
                can_edit=can_edit,
                can_delete=can(request.user, "delete", record),
                contacts=contacts_context(request, record, can_edit=can_edit),
                panels=panels.panels_for(request, record),
            ),
        )


class CustomerEditView(CustomerViews, RecordEditView):
    form_class = CustomerForm
    template_name = "customers/customer_form.html"

    duplicates = None  # the matches that refused the last save (CUS-8)

    def create(self, data: dict):
        confirmed = data.pop("confirm_not_duplicate", False)
        try:
            return services.customer_create(actor=self.request.user, data=data, confirm_not_duplicate=confirmed)
        except services.DuplicateCustomer as error:
            self.duplicates = error.report
            raise

    def update(self, record, data: dict, version: int | None):
        return services.customer_update(actor=self.request.user, customer=record, data=data, version=version)

    def base_context(self, **extra) -> dict:
        return super().base_context(duplicates=self.duplicates, **extra)


@login_required
def duplicate_check(request):
    """The live duplicate panel of the customer form (CUS-8): the customers the one check holds to
    be the one being typed, as the user may see them (PERM-3); the customer being edited is left
    out."""
    report = services.customer_duplicates(
        viewer=request.user,
        data=request.GET,
        exclude=whole_number(request.GET.get("exclude")),
    )
    return render(request, "customers/_duplicate_panel.html", {"duplicates": report})


class CustomerDeleteView(CustomerViews, RecordDeleteView):
    pass


class CustomerRevertView(CustomerViews, RecordRevertView):
    pass


# --- Contacts (CUS-2): inline on the customer's page ---------------------------------------------


def _customer(request, pk: int) -> Customer:
    customer = Customer.objects.visible_to(request.user).filter(pk=pk).first()
    if customer is None:
        raise Http404
    return customer


def _contact(customer: Customer, contact_pk: int, *, deleted: bool = False) -> Contact:
    manager = Contact.all_objects if deleted else Contact.objects
    contact = manager.filter(org_id=customer.org_id, customer=customer, pk=contact_pk).first()
    if contact is None or (deleted and contact.deleted_at is None):
        raise Http404
    return contact


def contacts_context(request, customer: Customer, *, can_edit: bool | None = None, **extra) -> dict:
    if can_edit is None:
        can_edit = can(request.user, "edit", customer)
    live = list(customer.contacts.all())
    deleted = (
        list(Contact.all_objects.filter(customer=customer, deleted_at__isnull=False).order_by("-deleted_at"))
        if can_edit
        else []
    )
    for contact in live:
        contact.birthday_text = birthday_text(contact)
    return {"customer": customer, "contacts": live, "deleted_contacts": deleted, "can_edit": can_edit, **extra}


def _contacts_panel(request, customer: Customer, **extra):
    return render(request, "customers/_contacts.html", {"data": contacts_context(request, customer, **extra)})


@login_required
def contacts_panel(request, pk: int):
    return _contacts_panel(request, _customer(request, pk))


@login_required
def contact_form(request, pk: int, contact_pk: int | None = None):
    """GET: the add or edit form in place; POST: saves through `contact_save` and answers with the
    refreshed contacts, or with the form and its errors next to the fields."""
    customer = _customer(request, pk)
    core_services.require(request.user, "edit", customer)
    contact = _contact(customer, contact_pk) if contact_pk else None
    if request.method != "POST":
        return render(
            request, "customers/_contact_form.html", {"form": ContactForm(instance=contact), "customer": customer}
        )
    form = ContactForm(request.POST, instance=contact)
    if form.is_valid():
        try:
            saved = services.contact_save(
                actor=request.user,
                customer=customer,
                contact=contact,
                data=form.data_for_service(),
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except core_services.StaleVersion:
            form.add_error(
                None,
                _("Someone else changed this contact while you were editing it. Cancel to see their change."),
            )
        else:
            messages.success(request, _("Saved the contact %(name)s.") % {"name": saved.name})
            return retarget(_contacts_panel(request, customer), "#contacts-panel")
    return render(request, "customers/_contact_form.html", {"form": form, "customer": customer})


@login_required
@require_POST
def contact_delete(request, pk: int, contact_pk: int):
    customer = _customer(request, pk)
    contact = _contact(customer, contact_pk)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Deleted the contact %(name)s. You can restore it below.") % {"name": contact.name})
    return _contacts_panel(request, customer)


@login_required
@require_POST
def contact_restore(request, pk: int, contact_pk: int):
    customer = _customer(request, pk)
    contact = _contact(customer, contact_pk, deleted=True)
    services.contact_restore(actor=request.user, contact=contact)
    messages.success(request, _("Restored the contact %(name)s.") % {"name": contact.name})
    return _contacts_panel(request, customer)
