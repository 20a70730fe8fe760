"""Business roles in a staged process (PERM-12): a process's stages may each designate a business
role; an employee joins a record's team with a role and lands on that role's stages, or without one
on the stages that have none."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import CoreError
from .forms import field_error
from .models import ProcessStage, TeamMember
from .targets import allowed


@transaction.atomic
def team_member_add(*, actor, target, user, process: str, business_role: str = "") -> TeamMember:
    if not allowed(actor, "edit", target):
        raise PermissionDenied(_("Only employees who can edit this record can change its team."))
    if user.org_id != actor.org_id:
        raise ValidationError({"user": _("Unknown employee.")})
    stages = ProcessStage.objects.filter(org_id=actor.org_id, process=process)
    business_role = business_role.strip()
    chosen = list(stages.filter(business_role=business_role))
    if not chosen:
        if business_role:
            message = _("No stage of this process is worked by the role “%(role)s”.") % {"role": business_role}
        else:
            message = _("Every stage of this process has a business role, so choose one to add %(user)s.") % {
                "user": user
            }
        raise field_error("business_role", message, CoreError.NO_STAGE_FOR_MEMBER)
    member, _created = TeamMember.objects.update_or_create(
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=target.pk,
        user=user,
        defaults={"org": actor.org, "business_role": business_role},
    )
    member.stages.set(chosen)
    return member
