"""The sales stages of an organization (OPP-4): data, not code. Each organization starts with the
seed's funnel and may rename stages, change their win probabilities and ageing limits (OPP-9), add
or remove stages, and name the business role that works each stage (PERM-12, through core's
ProcessStage, which the team of an opportunity uses)."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from qiao.core.models import OrgOwned

PROCESS = "opportunity"  # core.ProcessStage.process of the sales stages


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


# The seed's funnel (002 商机录入与分单管理): code, label, kind, win probability %, ageing limit in
# days, business role code. The labels are msgids (gettext_noop), translated for each reader until an
# administrator renames the stage.
DEFAULT_STAGES = (
    ("target", gettext_noop("Target customer"), StageKind.OPEN, 10, 30, ""),
    ("obtained", gettext_noop("Opportunity obtained"), StageKind.OPEN, 20, 21, ""),
    ("needs", gettext_noop("Needs understood"), StageKind.OPEN, 35, 21, ""),
    ("solution", gettext_noop("Solution provided"), StageKind.OPEN, 50, 30, "pre_sales"),
    ("quoted", gettext_noop("Quoted"), StageKind.OPEN, 70, 14, ""),
    ("negotiating", gettext_noop("Negotiating"), StageKind.OPEN, 85, 14, ""),
    ("signed", gettext_noop("Signed"), StageKind.WON, 100, None, ""),
    ("lost", gettext_noop("Closed lost"), StageKind.LOST, 0, None, ""),
)
DEFAULT_LABELS = {code: label for code, label, *_rest in DEFAULT_STAGES}

# Business roles the defaults use; any other role an administrator types is shown as typed.
BUSINESS_ROLE_LABELS = {"pre_sales": _("Pre-sales engineer")}


def business_role_label(role: str) -> str:
    label = BUSINESS_ROLE_LABELS.get(role)
    return str(label) if label is not None else role


class Stage(OrgOwned):
    code = models.SlugField(_("code"), max_length=40, blank=True, editable=False)
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("Leave empty to keep the standard name in every language.")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=StageKind.choices, default=StageKind.OPEN)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("win probability (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    ageing_limit_days = models.PositiveSmallIntegerField(
        _("ageing limit (days)"),
        null=True,
        blank=True,
        help_text=_("An opportunity longer than this in the stage reminds its owner and manager. Empty: no limit."),
    )
    process_stage = models.OneToOneField(
        "core.ProcessStage", on_delete=models.CASCADE, related_name="sales_stage", editable=False
    )

    class Meta:
        verbose_name = _("sales stage")
        verbose_name_plural = _("sales stages")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "code"], condition=~models.Q(code=""), name="sales_stage_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.label_msgid if not self.code or self.name else gettext(self.label_msgid)

    @property
    def label_msgid(self) -> str:
        """The stage's name untranslated: the custom name, or the standard label's msgid, which
        notifications store and translate again for each reader."""
        if self.name or not self.code:
            return self.name
        return DEFAULT_LABELS.get(self.code, self.code)

    @property
    def business_role(self) -> str:
        return self.process_stage.business_role

    @property
    def business_role_label(self) -> str:
        return business_role_label(self.business_role)

    @property
    def is_open(self) -> bool:
        return self.kind == StageKind.OPEN
