"""In-app notifications: what happened that concerns an employee (a registration waiting for their
review, a clash with their customer, a reminder), with a link to the record it is about."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one employee. The text is rendered when it is read, in the reader's language,
    from the verb's message (core/notifications.py) and the stored `data`."""

    org = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(_("event"), max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        from qiao.core.notifications import message

        return message(self)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
