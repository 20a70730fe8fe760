"""THE permission engine: which records a user may view, edit or delete (PERM-1 … PERM-5).

Two forms of the same rules:
- `main_object_branches` / `activity_filter` turn a scope into one SQL condition for `visible_to`
  (lists, searches, exports, reports, calendars, the API);
- `needed_scope` tells, for one record, the narrowest scope that reaches it, from which `can` and
  `explain` answer.
A property-based test checks that both agree for random organizations.

The SQL form is a `ScopeCondition`: the OR of the relations that reach a record (owner, owner
department in the subtree, `EXISTS` on the two many-to-many tables), each an indexed lookup with
no join and no DISTINCT. Counting goes branch by branch (condition.py); bench/permissions
measures both (docs/benchmarks.md)."""

from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import Exists, IntegerField, OuterRef, Q, Value
from django.db.models.query import EmptyQuerySet
from django.utils.translation import gettext as _

from .condition import Branch, IdIn, RelatedDepartmentsOwnedElsewhere, ScopeCondition
from .registry import main_object_types, object_type_of, view_rules
from .scopes import Scope, code_for, scopes_of

# Set by `who_may` while it asks about many employees: department id → its subtree, so that the
# employees of one department share one read. Outside it every call reads afresh, as departments
# may have moved since.
_shared_subtrees: ContextVar[dict | None] = ContextVar("qiao_shared_subtrees", default=None)


def _subtree(department) -> list[int]:
    """The ids of `department` and every department below it, read first: as a list of values
    the planner knows how many departments it meets and combines one index lookup for all of
    them with a search's (a subquery made it repeat the search once per department)."""
    from qiao.org.models import Department

    shared = _shared_subtrees.get()
    if shared is not None and department.pk in shared:
        return shared[department.pk]
    ids = list(Department.objects.filter(path__startswith=department.path).values_list("pk", flat=True))
    if shared is not None:
        shared[department.pk] = ids
    return ids


def _related(model, field_name: str, *, by_ids: bool = False, **target_filter) -> Branch:
    """The records linked through the many-to-many table of `field_name` to a target matching
    `target_filter` (given on the target's foreign key, e.g. `in=subtree`): `EXISTS` in the OR,
    an id lookup when counted (condition.py). With `by_ids` the OR also uses the id lookup."""
    m2m = model._meta.get_field(field_name)
    through, source, target = m2m.remote_field.through, m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    lookup, value = next(iter(target_filter.items()))
    links = through.objects.filter(**{f"{target}__{lookup}": value})
    ids = Q(IdIn("pk", links.values(f"{source}_id")))
    if by_ids:
        return Branch(ids)
    return Branch(Q(Exists(links.filter(**{source: OuterRef("pk")}))), counted_by=ids)


def main_object_branches(model, user, scope: Scope) -> list[Branch]:
    """PERM-2 as the relation branches of a scope below `all` on `model` (a main object). The
    branches that usually reach the most records come first: counting tests every later branch
    against the earlier ones."""
    if scope == Scope.NONE:
        return []
    branches = []
    if scope >= Scope.OWNER_DEPARTMENT and user.department_id:
        if scope == Scope.OWNER_DEPARTMENT:
            branches.append(Branch(Q(owner_department_id=user.department_id)))
        else:
            subtree = _subtree(user.department)
            branches.append(Branch(Q(owner_department_id__in=subtree)))
            # Its piece: related to the subtree and not owned in it, as the branch above says.
            relation = model._meta.get_field("related_departments")
            owned_elsewhere = RelatedDepartmentsOwnedElsewhere(
                relation.m2m_db_table(), relation.m2m_column_name(), user.org_id, tuple(subtree)
            )
            related = _related(model, "related_departments", **{"in": subtree})
            branches.append(replace(related, counted_alone=owned_elsewhere))
    branches.append(Branch(Q(owner_id=user.pk)))
    if scope >= Scope.RELATED_EMPLOYEE:
        # Without a department branch the user sees few records: the ids of their related ones
        # let PostgreSQL combine two index lookups (BitmapOr) instead of walking the newest-first
        # index. With one it walks that index anyway, and there `EXISTS` is a hash probe per row
        # where `= ANY(ids)` would be a linear search (bench/permissions, EXPLAIN).
        by_ids = scope == Scope.RELATED_EMPLOYEE
        branches.append(_related(model, "related_users", by_ids=by_ids, exact=user.pk))
    return branches


def activity_filter(model, user, scope: Scope, *, owned_objects: bool, visible_objects: bool) -> ScopeCondition | Q:
    """PERM-5 as one condition on the activity model, including the two switches."""
    if scope == Scope.ALL:
        return Q()
    branches = []
    if scope >= Scope.OWNER_DEPARTMENT and user.department_id:
        department_members = get_user_model().objects.values("pk")
        if scope == Scope.OWNER_DEPARTMENT:
            department_members = department_members.filter(department_id=user.department_id)
        else:
            department_members = department_members.filter(department_id__in=_subtree(user.department))
        branches.append(Branch(Q(owner_id__in=department_members)))
    if scope >= Scope.OWNER:
        branches.append(Branch(Q(owner_id=user.pk)))
    if scope >= Scope.RELATED_EMPLOYEE:
        branches.append(Branch(Q(creator_id=user.pk)))
        branches.append(_related(model, "related_users", exact=user.pk))
    if owned_objects or visible_objects:
        for kind in main_object_types():
            # Unordered: the parts of a union may not carry the model's default ordering (SQLite
            # refuses an ORDER BY inside a compound statement), and a sub-query needs none.
            subjects = kind.model.objects.visible_to(user, "view").order_by() if visible_objects else None
            if owned_objects:
                owned = kind.model.objects.filter(org_id=user.org_id, owner_id=user.pk).order_by()
                subjects = owned if subjects is None else subjects.union(owned)
            content_type = ContentType.objects.get_for_model(kind.model)
            branches.append(Branch(Q(subject_type_id=content_type.pk, subject_id__in=subjects.values("pk"))))
    return ScopeCondition(branches) if branches else Q(pk__in=[])


def visible_to(queryset, user, action: str = "view", *, include_deleted: bool = False):
    """The records of `queryset` that `user` may view, edit or delete: their organization's only,
    never a deleted one (except for the recycle bin, which asks with `include_deleted`), within the
    scope their roles give for this object type and action, plus, for viewing, what the type's
    view rules show (the public pool)."""
    model = queryset.model
    if not (user.is_authenticated and user.is_active and user.org_id):
        return queryset.none()
    kind = object_type_of(model)
    scopes = scopes_of(user)
    scope = scopes.scope(kind.code, action)
    if kind.is_activity:
        if scope == Scope.NONE and not (action == "view" and _any_switch(scopes)):
            return queryset.none()
        switches = {"owned_objects": False, "visible_objects": False}
        if action == "view":
            switches = {name: scopes.switch(name) for name in switches}
        condition = activity_filter(model, user, scope, **switches)
    elif scope == Scope.ALL:
        condition = Q()
    else:
        branches = main_object_branches(model, user, scope)
        if action == "view":
            rule_conditions = (rule.condition(user) for rule in view_rules(kind.code))
            branches += [Branch(condition) for condition in rule_conditions if condition is not None]
        if not branches:
            return queryset.none()
        condition = ScopeCondition(branches)
    queryset = queryset.filter(org_id=user.org_id)
    if not include_deleted:
        queryset = queryset.filter(deleted_at__isnull=True)
    return queryset.filter(condition)


# At most this many users in one query: below SQLite's limit of 500 terms in a compound SELECT.
WHO_MAY_BATCH = 400


def who_may(action: str, obj, users) -> list:
    """The users among `users` who may `action` `obj`, each decided by `visible_to`: PERM-13's
    question turned around, from "what may this employee do" to "who may do this". Each user's
    `visible_to` of the record, tagged with their id, is compiled once; they are sent joined with
    UNION ALL, as many per query as WHO_MAY_BATCH and the database's limit on parameters allow.
    The employees of one department share their subtree's read. Load the users
    `with_user_facts`, or their roles cost a query each."""
    users = list(users)
    record = type(obj)._base_manager.filter(pk=obj.pk).order_by()  # no ORDER BY inside a compound
    database = connections[record.db]
    most_parameters = database.features.max_query_params
    allowed: set[int] = set()
    batch: list[str] = []
    parameters: list = []
    sharing = _shared_subtrees.set({})
    try:
        for user in users:
            visible = visible_to(record, user, action)
            if isinstance(visible, EmptyQuerySet):
                continue
            tagged = visible.annotate(qiao_who=Value(user.pk, output_field=IntegerField())).values_list("qiao_who")
            sql, own_parameters = tagged.query.sql_with_params()
            too_many = most_parameters and len(parameters) + len(own_parameters) > most_parameters
            if batch and (len(batch) == WHO_MAY_BATCH or too_many):
                allowed.update(_ids_of_union(database, batch, parameters))
                batch, parameters = [], []
            batch.append(sql)
            parameters.extend(own_parameters)
        if batch:
            allowed.update(_ids_of_union(database, batch, parameters))
    finally:
        _shared_subtrees.reset(sharing)
    return [user for user in users if user.pk in allowed]


def _ids_of_union(database, selects: list[str], parameters: list) -> list[int]:
    with database.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), parameters)
        return [user_id for (user_id,) in cursor.fetchall()]


def _any_switch(scopes) -> bool:
    return scopes.switch("owned_objects") or scopes.switch("visible_objects")


# ---------------------------------------------------------------------------------------------
# One record: can and explain


@dataclass
class Explanation:
    allowed: bool
    scope: Scope  # the user's effective scope for this type and action
    needed: Scope | None  # the narrowest scope that reaches the record (None: another organization)
    reasons: list[str] = field(default_factory=list)


def needed_scope(user, obj) -> tuple[Scope | None, str]:
    """The narrowest scope that reaches `obj` for `user`, and the relation that makes it so."""
    if obj.org_id != user.org_id:
        return None, _("The record belongs to another organization.")
    if object_type_of(obj).is_activity:
        return _activity_needed_scope(user, obj)
    if obj.owner_id == user.pk:
        return Scope.OWNER, _("%(user)s is the record's owner.") % {"user": user}
    if obj.related_users.filter(pk=user.pk).exists():
        return Scope.RELATED_EMPLOYEE, _("%(user)s is one of the record's related employees.") % {"user": user}
    if user.department_id and obj.owner_department_id == user.department_id:
        return Scope.OWNER_DEPARTMENT, _("The record's owner department is %(user)s's department.") % {"user": user}
    if user.department_id:
        subtree = _subtree(user.department)
        if obj.owner_department_id in subtree:
            return Scope.RELATED_DEPARTMENT, _("The record's owner department is below %(user)s's department.") % {
                "user": user
            }
        if obj.related_departments.filter(pk__in=subtree).exists():
            return Scope.RELATED_DEPARTMENT, _(
                "One of the record's related departments is %(user)s's department or below it."
            ) % {"user": user}
    return Scope.ALL, _("%(user)s has no relation to the record; only the scope “All” reaches it.") % {"user": user}


def _activity_needed_scope(user, activity) -> tuple[Scope, str]:
    if activity.owner_id == user.pk:
        return Scope.OWNER, _("%(user)s is the activity's owner.") % {"user": user}
    if activity.creator_id == user.pk:
        return Scope.RELATED_EMPLOYEE, _("%(user)s created the activity.") % {"user": user}
    if activity.related_users.filter(pk=user.pk).exists():
        return Scope.RELATED_EMPLOYEE, _("%(user)s is one of the activity's related employees.") % {"user": user}
    owner_department_id = activity.owner.department_id if activity.owner_id else None
    if user.department_id and owner_department_id == user.department_id:
        return Scope.OWNER_DEPARTMENT, _("The activity's owner works in %(user)s's department.") % {"user": user}
    if user.department_id and owner_department_id and owner_department_id in _subtree(user.department):
        return Scope.RELATED_DEPARTMENT, _(
            "The activity's owner works in a department below %(user)s's department."
        ) % {"user": user}
    return Scope.ALL, _("%(user)s has no relation to the activity; only the scope “All” reaches it.") % {"user": user}


def explain(user, action: str, obj) -> Explanation:
    """Whether `user` may `action` `obj`, and every rule that decides it (PERM-13)."""
    kind = object_type_of(obj)
    scopes = scopes_of(user)
    scope = scopes.scope(kind.code, action)
    reasons = []
    for grant in scopes.grants.get((kind.code, action), []):
        if grant.has_code:
            reasons.append(
                _("Role “%(role)s” gives the %(action)s scope “%(scope)s”.")
                % {"role": grant.role, "action": _action_label(action), "scope": grant.scope.label}
            )
        else:
            reasons.append(
                _("Role “%(role)s” sets the %(action)s scope “%(scope)s” but lacks the permission “%(code)s”.")
                % {
                    "role": grant.role,
                    "action": _action_label(action),
                    "scope": grant.scope.label,
                    "code": f"{kind.code}.{code_for(action)}",
                }
            )
    if not scopes.grants.get((kind.code, action)):
        reasons.append(
            _("No role of the user gives a scope for the action “%(action)s” on this type.")
            % {"action": _action_label(action)}
        )
    if not (user.is_active and user.org_id):
        return Explanation(False, Scope.NONE, None, [*reasons, _("The account is inactive or has no organization.")])
    if obj.deleted_at is not None:
        return Explanation(False, scope, None, [*reasons, _("The record is in the recycle bin.")])
    needed, relation = needed_scope(user, obj)
    reasons.append(relation)
    if action != "view":
        view_scope = scopes.scope(kind.code, "view")
        reasons.append(
            _("Editing and deleting also need the record to be visible: the view scope is “%(scope)s”.")
            % {"scope": view_scope.label}
        )
    allowed = needed is not None and scope != Scope.NONE and scope >= needed
    if not allowed and kind.is_activity and action == "view" and needed is not None:
        allowed, switch_reason = _activity_switches_allow(user, obj, scopes)
        if switch_reason:
            reasons.append(switch_reason)
    if not allowed and action == "view" and needed is not None:
        for rule in view_rules(kind.code):
            if rule_reason := rule.reason(user, obj):
                allowed = True
                reasons.append(rule_reason)
                break
    if needed is not None and scope == Scope.NONE:
        reasons.append(_("The scope “None” never grants access, not even to the owner."))
    elif needed is not None and not allowed:
        reasons.append(
            _("The scope “%(scope)s” does not reach a record that needs “%(needed)s”.")
            % {"scope": scope.label, "needed": needed.label}
        )
    return Explanation(allowed, scope, needed, reasons)


def _activity_switches_allow(user, activity, scopes) -> tuple[bool, str | None]:
    subject = activity.subject
    if subject is None:
        return False, None
    if scopes.switch("owned_objects") and subject.owner_id == user.pk:
        return True, _("The switch “owned objects” shows activities of records %(user)s owns.") % {"user": user}
    if scopes.switch("visible_objects") and can(user, "view", subject):
        return True, _("The switch “visible objects” shows activities of records %(user)s can view.") % {"user": user}
    return False, None


def can(user, action: str, obj) -> bool:
    return explain(user, action, obj).allowed


def _action_label(action: str) -> str:
    return {"view": _("view"), "edit": _("edit"), "delete": _("delete")}[action]
