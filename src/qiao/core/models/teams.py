from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .targets import BelongsToTarget


class ProcessStage(models.Model):
    """One stage of a staged process (e.g. an opportunity's sales stages), optionally designating
    the business role that works on it (PERM-12)."""

    org = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", editable=False)
    process = models.CharField(_("process"), max_length=50)
    name = models.CharField(_("stage"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    business_role = models.CharField(_("business role"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("process stage")
        verbose_name_plural = _("process stages")
        ordering = ["process", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["org", "process", "name"], name="process_stage_unique_name")]

    def __str__(self) -> str:
        return self.name


class TeamMember(BelongsToTarget):
    """An employee on a record's team, on the stages their business role designates (PERM-12)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+"
    )
    business_role = models.CharField(_("business role"), max_length=100, blank=True)
    stages = models.ManyToManyField(ProcessStage, verbose_name=_("stages"), related_name="members")

    class Meta(BelongsToTarget.Meta):
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["target_type", "target_id", "user"], name="team_member_once")]

    def __str__(self) -> str:
        return str(self.user)
