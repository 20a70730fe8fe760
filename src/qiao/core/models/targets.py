from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class BelongsToTarget(models.Model):
    """A record that belongs to a main object (or a knowledge article) and follows its permissions:
    comments, attachments, knowledge links, team members."""

    org = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", editable=False)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("target type"), on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("target id"))
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["target_type", "target_id"], name="%(app_label)s_%(class)s_target")]
