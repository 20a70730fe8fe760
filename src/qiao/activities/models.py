"""Activities (行动, PERM-5): follow-ups, calls, visits, notes, e-mails, meetings and tasks, each
with an owner, a creator, related employees and optionally the main object it is about."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qiao.core.models import OrgOwned, Versioned


class Activity(OrgOwned, Versioned):
    class Kind(models.TextChoices):
        CALL = "call", _("Phone call")
        VISIT = "visit", _("Visit")
        NOTE = "note", _("Follow-up note")
        EMAIL = "email", _("Email message")
        MEETING = "meeting", _("Meeting")
        TASK = "task", _("Task")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NOTE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creator"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    related_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("related employees"), related_name="+", blank=True
    )
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (type)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    starts_at = models.DateTimeField(_("time"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(m2m_fields=["related_users"])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["owner"], name="activity_owner"),
            models.Index(fields=["creator"], name="activity_creator"),
            models.Index(fields=["subject_type", "subject_id"], name="activity_subject"),
            models.Index(fields=["org", "-starts_at"], name="activity_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"

    @classmethod
    def detach_from(cls, record) -> None:
        """A purged record leaves its activities in place, about nothing (PERM-11)."""
        content_type = ContentType.objects.get_for_model(type(record))
        cls.all_objects.filter(subject_type=content_type, subject_id=record.pk).update(
            subject_type=None, subject_id=None
        )
