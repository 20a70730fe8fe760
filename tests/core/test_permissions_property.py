"""Acceptance 2 of the permission issue: for random department trees, employees, roles and records,
`visible_to`, `can` and `explain` agree with each other and with a small reference written here from
SPEC's words (PERM-1, PERM-2, PERM-4, ORG-3), sharing no code with the engine."""

import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qiao.core.permissions import can, explain
from qiao.customers.models import Customer
from qiao.org.models import Department, Organization, Role, User

SCOPES = ["none", "owner", "related_employee", "owner_department", "related_department", "all"]
ACTIONS = ["view", "edit", "delete"]
CODE_OF = {"view": "customer.view", "edit": "customer.change", "delete": "customer.delete"}


# --- the reference, from SPEC's sentences --------------------------------------------------------


def subtree(department_index: int, parents: list[int | None]) -> set[int]:
    """d* = d plus all its descendants, by walking parent links (not materialized paths)."""
    members = {department_index}
    changed = True
    while changed:
        changed = False
        for child, parent in enumerate(parents):
            if parent in members and child not in members:
                members.add(child)
                changed = True
    return members


def within(scope: str, user: dict, record: dict, parents) -> bool:
    d_star = subtree(user["department"], parents)
    tests = {
        "owner": record["owner"] == user["index"],
        "related_employee": user["index"] in record["related_users"],
        "owner_department": record["owner_department"] == user["department"],
        "related_department": record["owner_department"] in d_star or bool(record["related_departments"] & d_star),
    }
    if scope == "none":
        return False
    if scope == "all":
        return True
    # Each wider scope includes every narrower one (PERM-1).
    return any(tests[name] for name in SCOPES[1 : SCOPES.index(scope) + 1])


def reference_allows(action: str, user: dict, roles: list[dict], record: dict, parents) -> bool:
    def widest(act):
        held = [
            r["scopes"][act] if CODE_OF[act] in r["codes"] else "none" for r in roles if r["index"] in user["roles"]
        ]
        return max(held, key=SCOPES.index, default="none")

    if action == "view":
        # CUS-12: a customer without an owner is in the public pool, which (not configured
        # otherwise) everyone who may view customers sees.
        in_open_pool = record["owner"] is None and any(
            "customer.view" in r["codes"] for r in roles if r["index"] in user["roles"]
        )
        return in_open_pool or within(widest("view"), user, record, parents)
    # PERM-4: within both the view scope and the action's scope.
    return within(widest("view"), user, record, parents) and within(widest(action), user, record, parents)


# --- random organizations ------------------------------------------------------------------------


@st.composite
def organizations(draw):
    department_count = draw(st.integers(2, 7))
    parents = [None] + [draw(st.integers(0, index - 1)) for index in range(1, department_count)]
    roles = [
        {
            "index": index,
            "scopes": {action: draw(st.sampled_from(SCOPES)) for action in ACTIONS},
            "codes": draw(st.sets(st.sampled_from(sorted(CODE_OF.values())))),
        }
        for index in range(draw(st.integers(1, 4)))
    ]
    users = [
        {
            "index": index,
            "department": draw(st.integers(0, department_count - 1)),
            "roles": draw(st.sets(st.integers(0, len(roles) - 1), max_size=len(roles))),
        }
        for index in range(draw(st.integers(1, 5)))
    ]
    records = [
        {
            "owner": draw(st.none() | st.integers(0, len(users) - 1)),
            "owner_department": draw(st.none() | st.integers(0, department_count - 1)),
            "related_users": draw(st.sets(st.integers(0, len(users) - 1), max_size=3)),
            "related_departments": draw(st.sets(st.integers(0, department_count - 1), max_size=3)),
        }
        for _ in range(draw(st.integers(1, 6)))
    ]
    return parents, roles, users, records


def build(parents, roles, users, records, serial):
    organization = Organization.objects.create(name=f"随机公司{serial}")
    departments = []
    for index, parent in enumerate(parents):
        if parent is None:
            departments.append(Department.objects.add_root({"org": organization, "name": f"根{index}"}))
        else:
            parent_node = Department.objects.get(pk=departments[parent].pk)
            departments.append(Department.objects.add_child(parent_node, {"org": organization, "name": f"部门{index}"}))
    role_rows = [
        Role.objects.create(
            org=organization,
            name=f"角色{r['index']}",
            permissions=sorted(r["codes"]),
            data_scopes={"customer": r["scopes"]},
        )
        for r in roles
    ]
    user_rows = []
    for u in users:
        user = User.objects.create(
            username=f"u{serial}_{u['index']}",
            full_name=f"员工{u['index']}",
            org=organization,
            department=Department.objects.get(pk=departments[u["department"]].pk),
        )
        user.roles.set([role_rows[i] for i in u["roles"]])
        user_rows.append(user)
    record_rows = []
    for number, r in enumerate(records):
        row = Customer.objects.create(
            org=organization,
            name=f"客户{number}",
            owner=user_rows[r["owner"]] if r["owner"] is not None else None,
            owner_department=departments[r["owner_department"]] if r["owner_department"] is not None else None,
        )
        row.related_users.set([user_rows[i] for i in r["related_users"]])
        row.related_departments.set([departments[i] for i in r["related_departments"]])
        record_rows.append(row)
    return user_rows, record_rows


serials = itertools.count()


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations())
def test_visible_to_can_explain_and_the_reference_agree(world):
    parents, roles, users, records = world
    with transaction.atomic():
        user_rows, record_rows = build(parents, roles, users, records, next(serials))
        for user, user_row in zip(users, user_rows, strict=True):
            user_row = User.objects.get(pk=user_row.pk)
            for action in ACTIONS:
                visible = Customer.objects.visible_to(user_row, action)
                listed = set(visible.values_list("pk", flat=True))
                # The count goes relation by relation (condition.py); it must still be exact.
                assert visible.count() == len(listed), (action, user)
                # A page after the count is read among each relation's first rows (core/models/base.py):
                # the same page as the walk of a copy that did not count.
                for ordering in (("-created_at", "-pk"), ("owner_department", "-name", "pk")):
                    ordered = visible.order_by(*ordering)
                    walked = [row.pk for row in ordered.all()[1:4]]
                    ordered.count()
                    assert [row.pk for row in ordered[1:4]] == walked, (action, user, ordering)
                for record, record_row in zip(records, record_rows, strict=True):
                    expected = reference_allows(action, user, roles, record, parents)
                    assert (record_row.pk in listed) is expected, (action, user, record)
                    assert can(user_row, action, record_row) is expected, (action, user, record)
                    assert explain(user_row, action, record_row).allowed is expected
        transaction.set_rollback(True)
