"""Pages of the shared machinery: the comment and attachment panels on every record (PERM-6,
PERM-7), the record's history, the recycle bin (PERM-11), and explain / view-as (PERM-13)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.org.models import User

from . import attachments, comments, recycle_bin
from .access import active_employees, explain_record, find_record_as_system, require_explain, viewers_of
from .forms import whole_number
from .models import Attachment, Comment, ViewAsSession
from .panels import Panel, register_panel
from .permissions import ACTIONS, object_type, object_types
from .targets import allowed, dependents_of, dependents_visible_to, resolve_target

# --- panels on every record's page ---------------------------------------------------------------


def _comments_context(request, record) -> dict:
    rows = list(dependents_of(Comment, record).select_related("author"))
    for comment in rows:
        comment.can_edit = comment.author_id == request.user.pk
        comment.can_delete = comments.can_delete_comment(request.user, comment)
    return {"record": record, "comments": rows, "type_code": record._meta.model_name}


def _attachments_context(request, record) -> dict:
    rows = list(dependents_of(Attachment, record).select_related("uploaded_by", "locked_by"))
    can_edit = allowed(request.user, "edit", record)
    for attachment in rows:
        attachment.can_delete = can_edit and not attachment.locked
        attachment.can_unlock = attachment.locked and attachments.can_unlock(request.user, attachment)
    return {"record": record, "attachments": rows, "can_add": can_edit, "type_code": record._meta.model_name}


def _history_context(request, record) -> dict | None:
    if getattr(record, "history", None) is None:
        return None
    from .generic import history_entries

    return {"changes": history_entries(request.user, record)}


register_panel(Panel("comments", gettext_lazy("Comments"), "core/panels/comments.html", _comments_context, 50))
register_panel(
    Panel("attachments", gettext_lazy("Attachments"), "core/panels/attachments.html", _attachments_context, 60)
)
register_panel(Panel("history", gettext_lazy("History"), "core/panels/history.html", _history_context, 90))


def _panel_response(request, record, key: str, context_function):
    return render(request, f"core/panels/{key}.html", {"data": context_function(request, record)})


# --- comments ------------------------------------------------------------------------------------


@login_required
@require_POST
def comment_add(request, type_code: str, pk: int):
    record = resolve_target(request.user, type_code, pk)
    try:
        comments.comment_add(actor=request.user, target=record, body=request.POST.get("body", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _panel_response(request, record, "comments", _comments_context)


def _visible_comment(request, pk: int) -> Comment:
    return get_object_or_404(dependents_visible_to(Comment, request.user), pk=pk)


@login_required
@require_POST
def comment_edit(request, pk: int):
    comment = _visible_comment(request, pk)
    comments.comment_edit(actor=request.user, comment=comment, body=request.POST.get("body", ""))
    return _panel_response(request, comment.target, "comments", _comments_context)


@login_required
@require_POST
def comment_delete(request, pk: int):
    comment = _visible_comment(request, pk)
    record = comment.target
    comments.comment_delete(actor=request.user, comment=comment)
    return _panel_response(request, record, "comments", _comments_context)


# --- attachments ---------------------------------------------------------------------------------


def _visible_attachment(request, pk: int) -> Attachment:
    return get_object_or_404(dependents_visible_to(Attachment, request.user), pk=pk)


@login_required
@require_POST
def attachment_upload(request, type_code: str, pk: int):
    record = resolve_target(request.user, type_code, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file first."))
    else:
        try:
            attachments.attachment_add(actor=request.user, target=record, upload=upload)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return _panel_response(request, record, "attachments", _attachments_context)


@login_required
@require_POST
def attachment_action(request, pk: int, action: str):
    operation = {
        "lock": attachments.attachment_lock,
        "unlock": attachments.attachment_unlock,
        "delete": attachments.attachment_delete,
    }.get(action)
    if operation is None:
        raise Http404
    attachment = _visible_attachment(request, pk)
    record = attachment.target
    try:
        operation(actor=request.user, attachment=attachment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _panel_response(request, record, "attachments", _attachments_context)


@login_required
def attachment_download(request, pk: int):
    attachment = _visible_attachment(request, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- recycle bin ---------------------------------------------------------------------------------


@login_required
def recycle_bin_page(request):
    entries = recycle_bin.entries(request.user)
    for entry in entries:
        entry.kind = object_type(entry._meta.model_name)
    return render(request, "core/recycle_bin.html", {"entries": entries})


@login_required
@require_POST
def recycle_bin_action(request, type_code: str, pk: int, action: str):
    if action not in {"restore", "purge"}:
        raise Http404
    if action == "restore":
        record = recycle_bin.recycle_bin_restore(actor=request.user, type_code=type_code, pk=pk)
        messages.success(request, _("%(record)s is back, with its comments and attachments.") % {"record": record})
    else:
        record = recycle_bin.find(request.user, type_code, pk)
        name = str(record)
        recycle_bin.recycle_bin_purge(actor=request.user, type_code=type_code, pk=pk)
        messages.success(request, _("%(record)s was removed for good.") % {"record": name})
    return redirect("recycle_bin")


# --- explain and view-as -------------------------------------------------------------------------


@login_required
def explain_page(request):
    """PERM-13: pick an employee and a record; see view / edit / delete with the rules behind each."""
    require_explain(request.user)
    employees = active_employees(request.user)
    employee = employees.filter(pk=whole_number(request.GET.get("user")) or 0).first()
    type_code = request.GET.get("target_type", "")
    record = find_record_as_system(request.user, type_code, request.GET.get("target_id", ""))
    answer = explain_record(employee, record) if employee and record else None
    rows = [(action, answer[action], answer["reasons"][action]) for action in ACTIONS] if answer else []
    return render(
        request,
        "core/explain.html",
        {
            "employees": employees.order_by("department__path", "full_name"),
            "types": object_types(),
            "employee": employee,
            "record": record,
            "type_code": type_code,
            "target_id": request.GET.get("target_id", ""),
            "rows": rows,
            "asked": bool(request.GET.get("target_id")),
            "sessions": ViewAsSession.objects.filter(org_id=request.user.org_id).select_related("admin", "viewed_as")[
                :10
            ],
        },
    )


@login_required
def explain_viewers(request):
    """PERM-13 turned around, for the explain page opened from a record: every active employee who
    can see it, by view scope. A request of its own, loaded after the page, since it asks the
    engine once per employee."""
    require_explain(request.user)
    record = find_record_as_system(request.user, request.GET.get("target_type", ""), request.GET.get("target_id", ""))
    if record is None:
        raise Http404
    groups, employee_count = viewers_of(request.user, record)
    return render(
        request,
        "core/_explain_viewers.html",
        {
            "record": record,
            "type_code": record._meta.model_name,
            "groups": groups,
            "seen_by": sum(len(people) for _scope, people in groups),
            "employee_count": employee_count,
        },
    )


@login_required
@require_POST
def view_as_start(request):
    require_explain(request.user)
    employee = User.objects.visible_to(request.user).filter(pk=whole_number(request.POST.get("user")) or 0).first()
    if employee is None:
        raise Http404
    session = ViewAsSession.objects.create(org=request.user.org, admin=request.user, viewed_as=employee)
    request.session["view_as"] = session.pk
    messages.info(
        request,
        _("You now see Qiao as %(name)s does. Nothing can be changed until you stop.")
        % {"name": employee.get_full_name()},
    )
    return redirect("workbench")


@login_required
@require_POST
def view_as_stop(request):
    from .view_as import stop_view_as

    stop_view_as(request)
    messages.info(request, _("You see Qiao as yourself again."))
    return redirect("explain")
