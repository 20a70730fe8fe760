"""The import wizard's pages (CUS-7): upload (with the template to download), match the columns,
see the dry run's findings and decide about duplicates, import, follow the progress. Thin views:
every step is a service in services/."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.core import services as core_services
from qiao.core.models import ImportIssue, ImportJob

from ..forms import whole_number
from . import services
from .definition import NOT_IMPORTED, Importer, importer_for
from .template import build_template

ISSUES_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _importer_or_404(type_code: str) -> Importer:
    importer = importer_for(type_code)
    if importer is None:
        raise Http404
    return importer


def _own_job(request, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)


def _list_url(importer: Importer) -> str | None:
    try:
        return reverse(f"{importer.url_namespace}:list") if importer.url_namespace else None
    except NoReverseMatch:
        return None


def _errors_of(error: ValidationError) -> list[str]:
    return [str(message) for messages in error.message_dict.values() for message in messages]


@login_required
def import_start(request, type_code: str):
    """Download the template, upload a file; the employee's recent imports of this type."""
    importer = _importer_or_404(type_code)
    core_services.require_add(request.user, importer.model)
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose a file to upload.")]
        else:
            try:
                job = services.import_job_create(actor=request.user, type_code=type_code, upload=upload)
            except ValidationError as error:
                errors = _errors_of(error)
            else:
                return redirect("import_job", job.pk)
    recent = ImportJob.objects.visible_to(request.user).filter(type_code=type_code)[:10]
    return render(
        request,
        "core/import_start.html",
        {
            "importer": importer,
            "type_label": importer.label_plural,
            "list_url": _list_url(importer),
            "errors": errors,
            "recent": recent,
            "fields": [(importer.label(f), f.required) for f in importer.fields],
        },
    )


@login_required
def import_template(request, type_code: str):
    importer = _importer_or_404(type_code)
    core_services.require_add(request.user, importer.model)
    filename = _("%(type)s import template") % {"type": importer.label_plural} + f" {timezone.localdate():%Y%m%d}.xlsx"
    return HttpResponse(
        build_template(importer),
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)},
    )


@login_required
def import_job(request, pk: int):
    job = _own_job(request, pk)
    importer = _importer_or_404(job.type_code)
    context = {"job": job, "importer": importer, "type_label": importer.label_plural, "list_url": _list_url(importer)}
    if job.status == ImportJob.Status.MAPPING or (job.status == ImportJob.Status.FAILED and not job.checked_at):
        context.update(_mapping_context(job, importer))
    if job.status == ImportJob.Status.CHECKED or (job.status == ImportJob.Status.FAILED and job.checked_at):
        context.update(_findings_context(request, job, importer))
    return render(request, "core/import_job.html", context)


def _mapping_context(job: ImportJob, importer: Importer, errors=None) -> dict:
    options = [("", str(NOT_IMPORTED))] + [(f.name, importer.header(f)) for f in importer.fields]
    columns = [
        {
            "position": position,
            "header": header,
            "samples": [sample[position] for sample in job.samples if position < len(sample)],
            "selected": job.mapping.get(str(position), ""),
        }
        for position, header in enumerate(job.headers)
    ]
    missing = [importer.label(f) for f in services.missing_columns(importer, job.mapping)]
    return {"columns": columns, "options": options, "missing": missing, "mapping_errors": errors or []}


def _findings_context(request, job: ImportJob, importer: Importer) -> dict:
    errors = Paginator(job.issues.filter(kind=ImportIssue.Kind.ERROR), ISSUES_PER_PAGE).get_page(
        request.GET.get("errors")
    )
    duplicates = Paginator(job.issues.filter(kind=ImportIssue.Kind.DUPLICATE), ISSUES_PER_PAGE).get_page(
        request.GET.get("duplicates")
    )
    for issue in duplicates:
        issue.shown_matches = _shown_matches(issue, importer)
    return {
        "errors_page": errors,
        "duplicates_page": duplicates,
        "ready_count": services.rows_to_import(job),
        "import_count": job.issues.filter(
            kind=ImportIssue.Kind.DUPLICATE, decision=ImportIssue.Decision.IMPORT
        ).count(),
    }


def _shown_matches(issue: ImportIssue, importer: Importer) -> list[dict]:
    shown = []
    for match in issue.matches:
        match = dict(match)
        if match.get("type") == importer.code and match.get("id") and importer.url_namespace:
            match["url"] = reverse(f"{importer.url_namespace}:detail", args=[match["id"]])
        shown.append(match)
    return shown


@login_required
@require_POST
def import_job_mapping(request, pk: int):
    """Saves the column mapping and starts the dry run."""
    job = _own_job(request, pk)
    importer = _importer_or_404(job.type_code)
    mapping = {str(position): request.POST.get(f"column-{position}", "") for position in range(len(job.headers))}
    try:
        services.import_job_map_columns(actor=request.user, job=job, mapping=mapping)
        services.import_job_check(actor=request.user, job=job)
    except ValidationError as error:
        job.refresh_from_db()
        job.mapping = {key: value for key, value in mapping.items() if value}
        context = {"job": job, "importer": importer, "type_label": importer.label_plural}
        context.update(_mapping_context(job, importer, _errors_of(error)))
        return render(request, "core/import_job.html", context)
    return redirect("import_job", pk)


@login_required
def import_job_progress(request, pk: int):
    """Polled by the page while the worker checks or imports; once it is done the page reloads."""
    job = _own_job(request, pk)
    response = render(request, "core/import_progress.html", {"job": job})
    if not job.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_job_decide(request, pk: int):
    """Skip or import anyway: one possible duplicate (`row`), or all of them."""
    job = _own_job(request, pk)
    row = whole_number(request.POST.get("row"))
    rows = [row] if row is not None else None
    try:
        services.import_job_decide(actor=request.user, job=job, decision=request.POST.get("decision", ""), rows=rows)
    except ValidationError as error:
        return _refused(request, job, error)
    page = whole_number(request.POST.get("page"))
    query = f"?duplicates={page}" if page is not None else ""
    return redirect(reverse("import_job", args=[pk]) + query + "#duplicates")


def _job_step_view(step):
    """A button on the job's page that runs one step (`step(actor=…, job=…)`) of the user's own
    job and comes back to the page; a refusal shows as messages there."""

    @login_required
    @require_POST
    def view(request, pk: int):
        job = _own_job(request, pk)
        try:
            step(actor=request.user, job=job)
        except ValidationError as error:
            return _refused(request, job, error)
        return redirect("import_job", pk)

    return view


import_job_recheck = _job_step_view(services.import_job_check)
import_job_commit = _job_step_view(services.import_job_commit)


def _refused(request, job: ImportJob, error: ValidationError):
    from django.contrib import messages

    for message in _errors_of(error):
        messages.error(request, message)
    return redirect("import_job", job.pk)
