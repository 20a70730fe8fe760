"""Who hears about what happens to an opportunity (OPP-2, OPP-3, OPP-9), through core's in-app
notifications: reviewers about registrations waiting for them and about clashes; the registrant
about the review's outcome; the existing owner about a registration that clashed with their
record; the owner and their manager about an opportunity stuck in its stage."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from qiao.core.notifications import Verb, notify, register_verb
from qiao.org.models import Department, Role, User

from .models import Opportunity

REVIEW_CODE = "opportunity.review"
TYPE_MSGIDS = {
    "customer": gettext_noop("customer"),
    "lead": gettext_noop("lead"),
    "opportunity": gettext_noop("opportunity"),
}

VERBS = [
    Verb(
        "opportunity.submitted",
        _("%(actor)s registered “%(name)s”; it waits for your review."),
        icon="clipboard-check",
    ),
    Verb(
        "opportunity.clash",
        _("The registration “%(name)s” by %(registrant)s failed: the customer is already held by %(holders)s (撞单)."),
        icon="alert-triangle",
    ),
    Verb(
        "opportunity.clash_owner",
        _(
            "%(registrant)s tried to register “%(name)s”, which matches your %(type)s “%(matched)s”; "
            "the registration failed."
        ),
        icon="alert-triangle",
        translated=("type",),
    ),
    Verb("opportunity.approved", _("%(actor)s approved your registration “%(name)s”."), icon="circle-check"),
    Verb(
        "opportunity.returned", _("%(actor)s returned your registration “%(name)s”: %(reason)s"), icon="arrow-back-up"
    ),
    Verb(
        "opportunity.overridden",
        _("%(actor)s overrode the clash of the registration “%(name)s” and registered it: %(reason)s"),
        icon="shield-check",
    ),
    Verb(
        "opportunity.stage_moved",
        _("%(actor)s moved “%(name)s” to the stage %(stage)s."),
        icon="layout-kanban",
        translated=("stage",),
    ),
    Verb("opportunity.won", _("%(actor)s closed “%(name)s” as won with contract %(contract)s."), icon="trophy"),
    Verb("opportunity.lost", _("%(actor)s closed “%(name)s” as lost: %(reason)s"), icon="mood-sad"),
    Verb(
        "opportunity.ageing",
        _("“%(name)s” (%(owner)s) has been in the stage %(stage)s for %(days)s days; the stage allows %(limit)s."),
        icon="hourglass-high",
        translated=("stage",),
    ),
    Verb("opportunity.team_added", _("%(actor)s added you to the team of “%(name)s”."), icon="users"),
]


def register_verbs() -> None:
    for verb in VERBS:
        register_verb(verb)


def reviewers_as_system(opportunity: Opportunity) -> list[User]:
    """Who reviews a registration (OPP-2, seed 002: the sales manager or assistant): the active
    holders of `opportunity.review` in its owner department or a department above it — the team's
    lead, the region's manager, the sales centre's assistants, the supervisor at the top — and of
    those only the ones who can see it (PERM-3). One query finds them, one per candidate checks."""
    department = opportunity.owner_department
    if department is None:
        return []
    role_ids = [
        pk
        for pk, codes in Role.objects.filter(org_id=opportunity.org_id).values_list("pk", "permissions")
        if REVIEW_CODE in (codes or [])
    ]
    if not role_ids:
        return []
    step = Department.steplen
    chain = [department.path[:length] for length in range(step, len(department.path) + 1, step)]
    candidates = User.objects.filter(
        org_id=opportunity.org_id, is_active=True, roles__in=role_ids, department__path__in=chain
    ).distinct()
    return [
        user
        for user in candidates.select_related("department").order_by("pk")
        if Opportunity.objects.visible_to(user).filter(pk=opportunity.pk).exists()
    ]


def managers_as_system(opportunity: Opportunity) -> list[User]:
    """The owner's manager(s) for this opportunity: the reviewers in the nearest department at or
    above the owner's that has any (a team's lead, else the region's manager, …), not the owner."""
    owner = opportunity.owner
    if owner is None or owner.department_id is None:
        return []
    candidates = [user for user in reviewers_as_system(opportunity) if user.pk != owner.pk]
    if not candidates:
        return []
    nearest = max(len(user.department.path) for user in candidates)
    return [user for user in candidates if len(user.department.path) == nearest]


def registrants(opportunity: Opportunity) -> list[User]:
    """Whoever registered it and whoever owns it (usually the same person)."""
    people = {}
    for user in (opportunity.created_by, opportunity.owner):
        if user is not None:
            people[user.pk] = user
    return list(people.values())


def send(verb: str, *, users, opportunity: Opportunity, actor=None, target=None, **data) -> None:
    notify(users=users, verb=verb, target=target or opportunity, actor=actor, data={"name": str(opportunity), **data})
