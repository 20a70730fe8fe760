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
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from . import panels, services
from .forms import add_service_errors, whole_number
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

    def get_table(self, queryset):
        """The table of the filtered records; subclasses choose columns here."""
        return self.table_class(queryset)

    def list_context(self, record_filter, table) -> dict:
        """More context for the list template (subclasses: facets, column choices, …)."""
        return {}

    def get(self, request):
        record_filter = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        table = self.get_table(record_filter.qs)
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
                import_url=self.import_url(),
                **self.list_context(record_filter, table),
            ),
        )

    def import_url(self) -> str | None:
        """The import wizard (CUS-7), for types that define an importer and users who may add."""
        from .imports import importer_for

        kind = object_type_of(self.model)
        if importer_for(kind.code) is None or not self.request.user.has_code(f"{kind.code}.add"):
            return None
        return reverse("import_start", args=[kind.code])

    def export(self, table, export_format: str):
        """The filtered list, every row the user can see, as a spreadsheet (CUS-7, PERM-3): read
        in chunks and written through a temporary file, so a long list never sits in memory."""
        from .imports.export import table_export_response

        RequestConfig(self.request, paginate=False).configure(table)
        kind = object_type_of(self.model)
        filename = f"{kind.label_plural}-{timezone.localdate():%Y%m%d}.{export_format}"
        return table_export_response(table, export_format, filename, title=str(kind.label_plural))


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

    def create(self, data: dict):
        """The write behind "Save" on a new record; a type with its own service overrides it."""
        return services.main_object_create(actor=self.request.user, model=self.model, data=data)

    def update(self, record, data: dict, version: int | None):
        return services.main_object_update(actor=self.request.user, obj=record, data=data, version=version)

    def post(self, request, pk: int | None = None):
        record = self.get_record(pk, "edit") if pk else self.require_add()
        form = self.form(record, request.POST)
        if form.is_valid():
            data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
            try:
                if record is None:
                    record = self.create(data)
                    messages.success(request, _("Created %(record)s.") % {"record": record})
                else:
                    self.update(record, data, form.cleaned_data.get("version"))
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


# --- History with revert (CUS-11, NFR-3) ----------------------------------------------------------


def _tracked_fields(model) -> list:
    return [field for field in model._meta.concrete_fields if field.editable and not field.primary_key]


def _m2m_history(record, entries) -> dict[str, dict[int, frozenset]]:
    """For each many-to-many field kept in the history: history id → the set of target ids, one
    query per field for all `entries` (simple-history's own diff asks twice per entry and field)."""
    from simple_history import utils as history_utils

    history_model = type(record).history.model
    found = {}
    for field in getattr(history_model, "_history_m2m_fields", []):
        target = history_utils.get_m2m_reverse_field_name(field)
        rows = getattr(history_model, field.name).model.objects.filter(history_id__in=[e.history_id for e in entries])
        by_entry = {entry.history_id: set() for entry in entries}
        for history_id, target_id in rows.values_list("history_id", f"{target}_id"):
            by_entry[history_id].add(target_id)
        found[field.name] = {key: frozenset(value) for key, value in by_entry.items()}
    return found


def _names(user, model, ids) -> dict:
    """Display names of the records `ids` of `model`; main objects only when `user` can see them
    (a history must not name a record the user cannot open, PERM-3)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    manager = model.objects if object_type_of(model) is not None else model._base_manager
    queryset = manager.filter(pk__in=ids)
    if object_type_of(model) is not None:
        queryset = queryset.visible_to(user)
    return {obj.pk: str(obj) for obj in queryset}


def _display_value(field, value, names: dict):
    if value in (None, "") or value == frozenset():
        return ""
    if field.many_to_many:
        return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in value))
    if field.is_relation:
        return names.get(value, f"#{value}")
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _same_save(newer, older) -> bool:
    """Whether two history rows are one save: a save writes the record (one row) and then each
    many-to-many change (a row each, of the same version, by the same person)."""
    return (
        newer.history_type == "~"
        and newer.version == getattr(older, "version", None)
        and newer.history_user_id == older.history_user_id
        and older.history_type != "-"
    )


def history_entries(user, record, limit: int = 20) -> list[dict]:
    """The newest `limit` saves in `record`'s history, each with who, when and what changed from
    the save before it: field labels, and values as people read them (choice labels, names of
    employees, departments and tags) rather than codes and ids. The rows simple-history writes
    for one save (the record, then each many-to-many change) show as one entry, whose `entry` is
    the state after the whole save (the version a revert goes back to), and `reason` the change
    reason its writer gave, if any."""
    history = getattr(record, "history", None)
    if history is None:
        return []
    rows = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit * 4 + 1])
    saves: list[list] = []
    for row in rows:
        if saves and _same_save(saves[-1][-1], row):
            saves[-1].append(row)
        else:
            saves.append([row])
    if len(rows) == limit * 4 + 1 and len(saves) > 1:
        saves.pop()  # its oldest rows may lie beyond what was read
    model = type(record)
    fields = _tracked_fields(model)
    m2m = _m2m_history(record, rows)
    m2m_fields = [model._meta.get_field(name) for name in m2m]
    wanted: dict = {}
    for field in [*fields, *m2m_fields]:
        if field.is_relation:
            ids = wanted.setdefault(field.related_model, set())
            for row in rows:
                ids.update(m2m[field.name][row.history_id] if field.many_to_many else {getattr(row, field.attname)})
    names = {related: _names(user, related, ids) for related, ids in wanted.items()}
    shown = []
    for index, save in enumerate(saves[:limit]):
        newer = save[0]
        older = saves[index + 1][0] if index + 1 < len(saves) else None
        changes = []
        if older is not None:
            for field in fields:
                old, new = getattr(older, field.attname), getattr(newer, field.attname)
                if old != new:
                    changes.append((field, old, new))
            for field in m2m_fields:
                old, new = m2m[field.name][older.history_id], m2m[field.name][newer.history_id]
                if old != new:
                    changes.append((field, old, new))
        shown.append(
            {
                "entry": newer,
                "kind": save[-1].history_type,  # "+" when the save created the record
                # Why, where the writer said (a handover, a merge, the pool's return, an import).
                "reason": next((row.history_change_reason for row in save if row.history_change_reason), ""),
                "is_current": index == 0,
                "changes": [
                    {
                        "field": capfirst(field.verbose_name),
                        "old": _display_value(field, old, names.get(field.related_model, {})),
                        "new": _display_value(field, new, names.get(field.related_model, {})),
                    }
                    for field, old, new in changes
                ],
            }
        )
    return shown


def historical_values(record, history_id: int) -> dict | None:
    """The values `record` had in one version of its history, as data for `main_object_update`:
    every field people edit, and the many-to-many relations kept in the history (targets that no
    longer exist are left out). None when the version is not one of this record's."""
    historical = record.history.filter(history_id=whole_number(history_id, default=0)).first()
    if historical is None:
        return None
    data = {}
    missing = {}
    for field in _tracked_fields(type(record)):
        value = getattr(historical, field.attname)
        if field.is_relation:
            related = field.related_model._base_manager.filter(pk=value).first() if value is not None else None
            if value is not None and related is None:
                missing[field.name] = ValidationError(
                    _("What this field held in that version no longer exists; set it by editing the record."),
                    code="missing",
                )
                continue
            value = related
        data[field.name] = value
    if missing:
        raise ValidationError(missing)
    for name, by_entry in _m2m_history(record, [historical]).items():
        related_model = type(record)._meta.get_field(name).related_model
        data[name] = list(related_model._base_manager.filter(pk__in=by_entry[historical.history_id]))
    return data


class RecordRevertView(RecordView):
    """POST: gives the record back the values of one version of its history (CUS-11). The revert
    is an ordinary edit — permission- and version-checked by `main_object_update` — so it is
    itself a new version in the history, and can be reverted in turn."""

    def post(self, request, pk: int, history_id: int):
        record = self.get_record(pk, "edit")
        version = request.POST.get("version", "")
        try:
            data = historical_values(record, history_id)
            if data is None:
                raise Http404
            services.main_object_update(actor=request.user, obj=record, data=data, version=whole_number(version))
        except services.StaleVersion:
            messages.error(
                request,
                _(
                    "Someone else saved this record after you opened it; nothing was reverted. "
                    "Look at the history again."
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(record)s has the values of that version again.") % {"record": record})
        return redirect(self.url("detail", record.pk) + "#panel-history")
