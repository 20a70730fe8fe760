"""Acceptance 3 of the permission issue: a user whose roles give `none` for every object type walks
every URL pattern and API route — with every record's id in every parameter — and finds no record:
no name, no note, no comment, no file, in any page or JSON."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qiao.core import attachments, comments
from tests.factories import OrganizationFactory
from tests.permissions_helpers import activity, customer, employee, role
from tests.urlwalk import routes

MARKERS = ["MARK-CUSTOMER", "MARK-ACTIVITY", "MARK-COMMENT", "MARK-FILE", "MARK-RELATED"]


@pytest.fixture
def world(db):
    return make_world()


def make_world():
    organization = OrganizationFactory()
    everything = role(
        organization,
        "全部",
        view="all",
        edit="all",
        delete="all",
        activity={"view": "all", "edit": "all", "delete": "all"},
    )
    owner = employee(organization, "销售部", everything)
    # `none` everywhere, yet holding every function permission: the scopes alone must hide it all.
    nobody = employee(organization, "销售部", role(organization, "无", activity={"view": "none"}), full_name="无权限")
    nobody.roles.first().permissions = everything.permissions
    nobody.roles.first().save()
    record = customer(
        organization,
        name="MARK-CUSTOMER 华东",
        owner=owner,
        related_users=[nobody],
        related_departments=["销售部"],
        notes="MARK-RELATED",
    )
    note = activity(organization, owner=owner, related_users=[nobody], subject=record, notes="MARK-ACTIVITY")
    comment = comments.comment_add(actor=owner, target=record, body="MARK-COMMENT")
    attachment = attachments.attachment_add(
        actor=owner, target=record, upload=SimpleUploadedFile("MARK-FILE.pdf", b"%PDF-1.4", "application/pdf")
    )
    return (
        owner,
        nobody,
        {"customer": record.pk, "activity": note.pk, "comment": comment.pk, "attachment": attachment.pk},
    )


ALL_ROUTES = sorted({route.path: route for route in routes()}.values(), key=lambda r: r.path)


@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda route: route.path or "/")
def test_a_none_scope_user_finds_no_record_anywhere(client, world, route):
    _owner, nobody, ids = world
    client.force_login(nobody)
    for url, text in walk(client, route, ids):
        for marker in MARKERS:
            assert marker not in text, (url, marker)


def walk(client, route, ids):
    """Every (url, body text) of one route, with each record's id in its parameters."""
    for type_code, pk in ids.items():
        url = route.url(pk=pk, type_code=type_code, target_type=type_code, task_id="x", action="download")
        for query in ("", f"?target_type={type_code}&target_id={pk}&search=MARK&q=MARK", "?export=csv"):
            response = client.get(url + query)
            assert response.status_code < 500, url
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode(errors="replace")
            if response.get("Content-Type", "").startswith("application/json"):
                text = json.dumps(json.loads(text), ensure_ascii=False)
            yield url + query, text


def test_the_walk_would_see_every_marker_for_someone_with_scope(client, world):
    """The same walk by the owner finds every marker, so the test above cannot pass by looking
    in the wrong places."""
    owner, _nobody, ids = world
    client.force_login(owner)
    found = set()
    for route in ALL_ROUTES:
        for _url, text in walk(client, route, ids):
            found.update(marker for marker in MARKERS if marker in text)
    assert found == set(MARKERS)
