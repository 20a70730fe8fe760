"""The activities panel on every main object's page: what has been done about the record, visible
per PERM-5, and logging a new call, visit or note there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.core.permissions import object_type_of
from qiao.core.targets import resolve_target

from . import services
from .models import Activity


def panel_context(request, record) -> dict | None:
    kind = object_type_of(record)
    if kind is None or kind.is_activity:
        return None
    activities = (
        Activity.objects.visible_to(request.user)
        .filter(subject_type=ContentType.objects.get_for_model(type(record)), subject_id=record.pk)
        .select_related("owner")
        .order_by("-starts_at")[:50]
    )
    return {
        "record": record,
        "type_code": kind.code,
        "activities": activities,
        "can_add": request.user.has_code("activity.add"),
        "kinds": Activity.Kind.choices,
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


@login_required
@require_POST
def activity_add(request, type_code: str, pk: int):
    record = resolve_target(request.user, type_code, pk)
    starts_at = parse_datetime(request.POST.get("starts_at", "") or "")
    if starts_at is not None and timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    try:
        services.activity_create(
            actor=request.user,
            subject=record,
            kind=request.POST.get("kind", ""),
            notes=request.POST.get("notes", "").strip(),
            starts_at=starts_at or timezone.now(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Logged."))
    return render(request, "activities/panels/activities.html", {"data": panel_context(request, record)})
