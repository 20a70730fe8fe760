"""Explaining access (PERM-13): the answer for one employee and one record, shared by the page
and the API."""

from .permissions import ACTIONS, explain, object_type


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
    if kind is None or not str(pk).isdigit():
        return None
    return kind.model.all_objects.filter(org_id=admin.org_id, pk=int(pk)).first()
