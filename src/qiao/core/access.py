"""Explaining access (PERM-13): the answer for one employee and one record, shared by the page
and the API."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from qiao.org.models import User

from .forms import whole_number
from .permissions import ACTIONS, Scope, explain, object_type, object_type_of, scopes_of, who_may, with_user_facts


def require_explain(user) -> None:
    if not user.has_code("access.explain"):
        raise PermissionDenied(_("Explaining access needs the permission “access.explain”."))


def explain_record(user, record) -> dict:
    answers = {name: explain(user, name, record) for name in ACTIONS}
    return {
        **{name: answer.allowed for name, answer in answers.items()},
        "reasons": {name: answer.reasons for name, answer in answers.items()},
    }


def find_record_as_system(admin, type_code: str, pk):
    """Any record of the admin's organization, deleted or not: explaining is about other people's
    access, so the admin's own scope does not limit it (the `access.explain` permission does)."""
    kind = object_type(type_code)
    record_id = whole_number(pk)
    if kind is None or record_id is None:
        return None
    return kind.model.all_objects.filter(org_id=admin.org_id, pk=record_id).first()


def active_employees(admin):
    """The employees an explainer can ask about: their organization's active ones."""
    return User.objects.visible_to(admin).filter(is_active=True).select_related("department")


def viewers_of(admin, record) -> tuple[list[tuple[Scope, list]], int]:
    """Who can see `record` among the active employees `admin` can ask about, grouped by their view
    scope for its type, widest first, and how many active employees there are. Scope None gathers
    those who see it through a rule beyond the scopes (the public pool, the activity switches)."""
    kind = object_type_of(record)
    employees = active_employees(admin).order_by("department__path", "full_name")
    groups: dict[Scope, list] = {}
    for employee in who_may("view", record, with_user_facts(employees)):
        groups.setdefault(scopes_of(employee).scope(kind.code, "view"), []).append(employee)
    return sorted(groups.items(), key=lambda group: -group[0]), employees.count()
