import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .targets import BelongsToTarget


def attachment_path(attachment, filename: str) -> str:
    """A random, unguessable name under a date folder; the user's file name is kept in the row,
    never in the path (NFR-5)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(BelongsToTarget):
    """PERM-7: editors of the target add, lock and delete unlocked attachments; a locked one is
    unlocked only by the target's owner or by whoever locked it; viewers download."""

    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    locked = models.BooleanField(_("locked"), default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["file"])

    class Meta(BelongsToTarget.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name
