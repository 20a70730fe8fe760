"""Attachments with locking (PERM-7). Files are stored through Django storage under random names
and are only ever served by `attachment_download`, after the permission check (NFR-5)."""

from pathlib import PurePath

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import CoreError
from .models import Attachment
from .targets import allowed

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".csv",
    ".ppt",
    ".pptx",
    ".txt",
    ".rtf",
    ".odt",
    ".ods",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".bmp",
    ".zip",
    ".rar",
    ".7z",
    ".mp3",
    ".mp4",
    ".wav",
    ".eml",
}


def _require(actor, action: str, target, message: str) -> None:
    if not allowed(actor, "view", target):
        raise PermissionDenied(_("You cannot see this record."))
    if action != "view" and not allowed(actor, action, target):
        raise PermissionDenied(message)


def validate_upload(upload) -> None:
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(
            {
                "file": _("Files of type “%(suffix)s” cannot be attached. Allowed: %(allowed)s.")
                % {"suffix": suffix or _("(none)"), "allowed": " ".join(sorted(ALLOWED_SUFFIXES))}
            },
            code=CoreError.ATTACHMENT_TYPE,
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(limit)d MB.") % {"limit": MAX_ATTACHMENT_BYTES // 1024 // 1024}},
            code=CoreError.ATTACHMENT_TOO_LARGE,
        )


@transaction.atomic
def attachment_add(*, actor, target, upload) -> Attachment:
    """Only employees who can edit the record add attachments (PERM-7)."""
    _require(actor, "edit", target, _("Only employees who can edit this record can attach files."))
    validate_upload(upload)
    return Attachment.objects.create(
        org=actor.org,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=target.pk,
        file=upload,
        name=PurePath(upload.name).name[:255],
        size=upload.size,
        content_type=(getattr(upload, "content_type", "") or "")[:100],
        uploaded_by=actor,
    )


@transaction.atomic
def attachment_lock(*, actor, attachment: Attachment) -> Attachment:
    _require(actor, "edit", attachment.target, _("Only employees who can edit this record can lock its files."))
    attachment.locked, attachment.locked_by, attachment.locked_at = True, actor, timezone.now()
    attachment.save(update_fields=["locked", "locked_by", "locked_at"])
    return attachment


def can_unlock(actor, attachment: Attachment) -> bool:
    target = attachment.target
    return allowed(actor, "view", target) and actor.pk in {target.owner_id, attachment.locked_by_id}


@transaction.atomic
def attachment_unlock(*, actor, attachment: Attachment) -> Attachment:
    """Only the record's owner or whoever locked it (PERM-7)."""
    _require(actor, "view", attachment.target, "")
    if not can_unlock(actor, attachment):
        raise PermissionDenied(_("Only the record's owner or whoever locked the file can unlock it."))
    attachment.locked, attachment.locked_by, attachment.locked_at = False, None, None
    attachment.save(update_fields=["locked", "locked_by", "locked_at"])
    return attachment


def can_delete_attachment(actor, attachment: Attachment) -> bool:
    return not attachment.locked and allowed(actor, "edit", attachment.target)


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    """Editors delete unlocked attachments; delete permission on the record without edit
    permission is not enough (PERM-7)."""
    _require(actor, "edit", attachment.target, _("Only employees who can edit this record can delete its files."))
    if attachment.locked:
        raise ValidationError(_("The file is locked; unlock it first."), code=CoreError.ATTACHMENT_LOCKED)
    remove_attachment(attachment)


def remove_attachment(attachment: Attachment) -> None:
    """Deletes the row and, once the transaction commits, the stored file."""
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
