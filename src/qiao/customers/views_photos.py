"""The photos panel on a customer's page (CUS-3): the storefront and owner slots and other photos,
uploading and deleting for the customer's editors, and serving the files to its viewers only —
never from a guessable public path (NFR-5), the same way core serves attachments."""

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from qiao.core.permissions import can

from . import photos
from .models import Customer, CustomerPhoto


def panel_context(request, record) -> dict | None:
    if not isinstance(record, Customer):
        return None
    rows = list(record.photos.select_related("uploaded_by").order_by("-uploaded_at", "-pk"))
    slots = []
    for kind in (CustomerPhoto.Kind.STOREFRONT, CustomerPhoto.Kind.OWNER):
        slots.append(
            {"kind": kind.value, "label": kind.label, "photo": next((p for p in rows if p.kind == kind), None)}
        )
    return {
        "record": record,
        "slots": slots,
        "others": [photo for photo in rows if photo.kind == CustomerPhoto.Kind.OTHER],
        "can_edit": can(request.user, "edit", record),
        "other_kind": CustomerPhoto.Kind.OTHER.value,
        "max_megabytes": photos.MAX_PHOTO_BYTES // 2**20,
    }


def _panel(request, record):
    return render(request, "customers/panels/photos.html", {"data": panel_context(request, record)})


@login_required
@require_POST
def photo_upload(request, pk: int):
    customer = Customer.objects.visible_to(request.user).filter(pk=pk).first()
    if customer is None:
        raise Http404
    try:
        photos.customer_photo_add(
            actor=request.user, customer=customer, kind=request.POST.get("kind", ""), upload=request.FILES.get("image")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    return _panel(request, customer)


def _visible_photo(request, pk: int) -> CustomerPhoto:
    return get_object_or_404(photos.photos_visible_to(request.user), pk=pk)


@login_required
@require_POST
def photo_delete(request, pk: int):
    photo = _visible_photo(request, pk)
    customer = photo.customer
    try:
        photos.customer_photo_delete(actor=request.user, photo=photo)
    except PermissionDenied as error:
        messages.error(request, str(error))
    return _panel(request, customer)


@login_required
def photo_file(request, pk: int, size: str):
    """The photo (`image`) or its thumbnail (`thumbnail`), to whoever may see the customer."""
    if size not in {"image", "thumbnail"}:
        raise Http404
    photo = _visible_photo(request, pk)
    field = getattr(photo, size)
    if not field or not field.storage.exists(field.name):
        raise Http404
    name = PurePath(field.name).name
    response = FileResponse(
        field.open("rb"),
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        as_attachment=request.GET.get("download") == "1",
        filename=f"{photo.customer.name}-{photo.get_kind_display()}{PurePath(name).suffix}",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
