from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ViewAsSession(models.Model):
    """An administrator viewing the system as an employee sees it (PERM-13): read-only, recorded."""

    org = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", editable=False)
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("administrator"), on_delete=models.PROTECT, related_name="+"
    )
    viewed_as = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("viewed as"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    pages = models.JSONField(_("pages viewed"), default=list, blank=True)

    class Meta:
        verbose_name = _("view-as session")
        verbose_name_plural = _("view-as sessions")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.admin} → {self.viewed_as}"
