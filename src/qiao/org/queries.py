"""Reads over the department tree that are more than a filter."""

from django.db.models import Count

from .models import Department, User


def with_subtree_headcounts(departments: list[Department]) -> list[Department]:
    """Sets `subtree_count` on each department (carrying `direct_count`): the active and inactive
    employees of it and all its descendants, from the materialized paths, in one pass."""
    for department in departments:
        department.subtree_count = sum(
            other.direct_count for other in departments if other.path.startswith(department.path)
        )
    return departments


def headcount_by_top_department(user) -> list[tuple[str, int]]:
    """Active employees per first-level department of the user's organization (the root's own
    staff counted under the root's name), largest first — for the workbench chart."""
    departments = list(Department.objects.visible_to(user))
    if not departments:
        return []
    root = departments[0]
    top_level = [d for d in departments if d.depth == 2]
    counts = dict(
        User.objects.visible_to(user)
        .filter(is_active=True)
        .values_list("department__path")
        .annotate(n=Count("id"))
        .values_list("department__path", "n")
    )
    rows = []
    for department in top_level:
        rows.append(
            (
                department.name,
                sum(n for path, n in counts.items() if path and path.startswith(department.path)),
            )
        )
    root_staff = counts.get(root.path, 0)
    if root_staff:
        rows.append((root.name, root_staff))
    return sorted(rows, key=lambda row: -row[1])
