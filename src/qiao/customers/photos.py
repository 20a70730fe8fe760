"""Customer photos (CUS-3, seed 003 step 9: "photograph every customer twice: the storefront and
the boss"). Each customer has a storefront slot and an owner slot (a new photo replaces the old
one) and any number of other photos.

An upload is accepted only when its content is a real image (Pillow decodes it; the file name and
the browser's content type are not trusted), not over the size limit, and not so large in pixels
that decoding it could exhaust memory (decompression bombs). What is stored is re-encoded from
the decoded pixels — turned upright, at most STORED_LONG_SIDE pixels on the long side, metadata
dropped — plus a thumbnail, under random names through Django's default storage. Files are only
served by views_photos after the permission check; deleting a photo deletes its files."""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from qiao.core import services as core_services

from .errors import CustomerError
from .models import Customer, CustomerPhoto

MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000  # a 50-megapixel camera; far below what would strain a worker's memory
MAX_PHOTO_SIDE = 12_000
STORED_LONG_SIDE = 2048
THUMBNAIL_LONG_SIDE = 480
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP"}
SINGLE_SLOTS = {CustomerPhoto.Kind.STOREFRONT, CustomerPhoto.Kind.OWNER}


def _not_an_image() -> ValidationError:
    return ValidationError(
        {
            "image": ValidationError(
                _("This file is not a photo Qiao can read. Upload a JPEG, PNG, WebP, GIF or BMP image."),
                code=CustomerError.NOT_AN_IMAGE,
            )
        }
    )


def _too_large(message: str) -> ValidationError:
    return ValidationError({"image": ValidationError(message, code=CustomerError.IMAGE_TOO_LARGE)})


def read_image(upload) -> Image.Image:
    """The decoded image of `upload`, or a ValidationError (field `image`) saying why not."""
    if upload.size > MAX_PHOTO_BYTES:
        raise _too_large(
            _("The photo is larger than %(limit)d MB; upload a smaller one.") % {"limit": MAX_PHOTO_BYTES // 2**20}
        )
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns below twice its own pixel limit; a warning here is a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)  # reads the header only
            if image.format not in ACCEPTED_FORMATS:
                raise _not_an_image()
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS or max(width, height) > MAX_PHOTO_SIDE:
                raise _too_large(
                    _(
                        "The photo is %(width)d × %(height)d pixels; at most %(limit)d megapixels "
                        "and %(side)d pixels on a side are accepted."
                    )
                    % {
                        "width": width,
                        "height": height,
                        "limit": MAX_PHOTO_PIXELS // 1_000_000,
                        "side": MAX_PHOTO_SIDE,
                    }
                )
            image.verify()  # checks the whole file's structure without decoding pixels
            upload.seek(0)
            image = Image.open(upload)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_large(_("The photo has too many pixels to be processed safely.")) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
            raise _not_an_image() from error
    return image


def _encode(image: Image.Image, long_side: int) -> tuple[bytes, str]:
    copy = image.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    if copy.mode in {"RGBA", "LA"} or (copy.mode == "P" and "transparency" in copy.info):
        copy.convert("RGBA").save(output, "PNG", optimize=True)
        return output.getvalue(), "png"
    copy.convert("RGB").save(output, "JPEG", quality=85, optimize=True, progressive=True)
    return output.getvalue(), "jpg"


def prepare_photo(upload) -> tuple[ContentFile, ContentFile]:
    """The stored photo and its thumbnail, re-encoded from the upload's pixels."""
    image = read_image(upload)
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # an animated GIF keeps its first frame
    image = ImageOps.exif_transpose(image)
    name = uuid.uuid4().hex
    photo, suffix = _encode(image, STORED_LONG_SIDE)
    thumbnail, thumbnail_suffix = _encode(image, THUMBNAIL_LONG_SIDE)
    return ContentFile(photo, name=f"{name}.{suffix}"), ContentFile(thumbnail, name=f"{name}-thumb.{thumbnail_suffix}")


def _remove_files_on_commit(photo: CustomerPhoto) -> None:
    names = [field.name for field in (photo.image, photo.thumbnail) if field and field.name]
    storage = photo.image.storage

    def remove():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic
def customer_photo_add(*, actor, customer: Customer, kind: str, upload) -> CustomerPhoto:
    """Adds a photo to `customer` in the slot `kind`; only employees who may edit the customer may
    (404 when invisible, 403 when only visible). A storefront or owner photo replaces the slot's
    previous photo, whose files are deleted once the new one is saved."""
    core_services.require(actor, "edit", customer)
    if kind not in CustomerPhoto.Kind.values:
        raise ValidationError(
            {"kind": ValidationError(_("Choose where the photo goes: storefront, owner or other."), code="invalid")}
        )
    if upload is None:
        raise ValidationError({"image": ValidationError(_("Choose a photo first."), code="required")})
    image_file, thumbnail_file = prepare_photo(upload)
    photo = CustomerPhoto(org_id=customer.org_id, customer=customer, kind=kind, uploaded_by=actor)
    try:
        photo.image.save(image_file.name, image_file, save=False)
        photo.thumbnail.save(thumbnail_file.name, thumbnail_file, save=False)
        photo.save()
    except Exception:
        for field in (photo.image, photo.thumbnail):
            if field and field.name:
                field.storage.delete(field.name)
        raise
    if kind in SINGLE_SLOTS:
        for previous in customer.photos.filter(kind=kind).exclude(pk=photo.pk):
            _remove_files_on_commit(previous)
            previous.delete()
    return photo


@transaction.atomic
def customer_photo_delete(*, actor, photo: CustomerPhoto) -> None:
    """Deletes the photo and, once the transaction commits, its files; editors of the customer only."""
    core_services.require(actor, "edit", photo.customer)
    _remove_files_on_commit(photo)
    photo.delete()


def photos_visible_to(user):
    """The photos of the customers `user` may see; they follow their customer's permissions."""
    if not (user.is_authenticated and user.org_id):
        return CustomerPhoto.objects.none()
    return CustomerPhoto.objects.filter(
        org_id=user.org_id, customer__in=Customer.objects.visible_to(user).values("pk")
    ).select_related("customer")


def remove_photo_files_of(record) -> None:
    """Purge hook of the recycle bin: a customer removed for good takes its photos' files along
    (the rows go with the customer)."""
    if isinstance(record, Customer):
        for photo in CustomerPhoto.objects.filter(customer=record):
            _remove_files_on_commit(photo)
