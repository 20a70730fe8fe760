"""In-app notifications (core/notifications.py): one per recipient, never to the actor, only within
the organization; rendered in the reader's language; the link to the record only while the reader
can open it (PERM-3); the bell, the list, marking read; the API."""

import pytest
from django.utils import translation

from qiao.core import notifications
from qiao.core.models import Notification
from qiao.core.testing import client_for
from tests.factories import OrganizationFactory
from tests.permissions_helpers import customer, employee, role

notifications.register_verb(
    notifications.Verb("test.hello", "%(actor)s says hello about “%(name)s” in %(stage)s.", translated=("stage",))
)


@pytest.fixture
def people(organization):
    viewer = role(organization, "看全部", view="all")
    blind = role(organization, "看自己", view="owner")
    actor = employee(organization, "销售部", viewer, full_name="孙发送")
    return {
        "actor": actor,
        "reader": employee(organization, "销售部", viewer, full_name="钱读者"),
        "blind": employee(organization, "客服部", blind, full_name="赵看不见"),
        "record": customer(organization, name="上海华联超市有限公司", owner=actor),
    }


def send(people, users, **data):
    return notifications.notify(
        users=users,
        verb="test.hello",
        target=people["record"],
        actor=people["actor"],
        data={"actor": "孙发送", "name": "上海华联超市有限公司", "stage": "Quoted", **data},
    )


def test_one_per_recipient_never_the_actor_never_another_organization_or_inactive(people):
    outsider = employee(OrganizationFactory(name="外部公司"), "销售部")
    people["blind"].is_active = False
    people["blind"].save()
    rows = send(people, [people["reader"], people["reader"], people["actor"], outsider, people["blind"], None])
    assert [row.recipient_id for row in rows] == [people["reader"].pk]


def test_unknown_verbs_are_a_programming_error(people):
    with pytest.raises(ValueError, match="unregistered"):
        notifications.notify(users=[people["reader"]], verb="nope", target=people["record"])


def test_messages_render_in_the_readers_language(people):
    # A msgid every catalog has (Django's own), stored untranslated and translated for each reader.
    (row,) = send(people, [people["reader"]], stage="Monday")
    with translation.override("zh-hans"):
        chinese = notifications.message(row)
    with translation.override("en"):
        english = notifications.message(row)
    assert english == "孙发送 says hello about “上海华联超市有限公司” in Monday."
    assert "星期一" in chinese and "Monday" not in chinese


def test_the_link_shows_only_while_the_reader_can_open_the_record(people):
    send(people, [people["reader"], people["blind"]])
    (seen,) = notifications.with_links(people["reader"], notifications.inbox(people["reader"]))
    (hidden,) = notifications.with_links(people["blind"], notifications.inbox(people["blind"]))
    assert seen.url == f"/customers/{people['record'].pk}/"
    assert hidden.url is None and hidden.text  # told, but no way into the record


def test_bell_list_open_and_read_all(people, client):
    send(people, [people["reader"]])
    send(people, [people["reader"]], name="第二条")
    client.force_login(people["reader"])
    bell = client.get("/notifications/bell/?next=/").content.decode()
    assert "qiao-bell-count" in bell and ">2<" in bell and "第二条" in bell
    assert "hx-get" in client.get("/").content.decode()  # the header loads it after the page
    first = Notification.objects.filter(recipient=people["reader"]).order_by("pk").first()
    response = client.post(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/customers/{people['record'].pk}/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert notifications.unread_count(people["reader"]) == 1
    assert client.post("/notifications/read-all/", {"next": "https://evil.example/"})["Location"] == "/notifications/"
    assert notifications.unread_count(people["reader"]) == 0
    assert "上海华联超市" in client.get("/notifications/").content.decode()


def test_nobody_reads_or_opens_anothers_notifications(people, client):
    (row,) = send(people, [people["reader"]])
    client.force_login(people["blind"])
    assert client.post(f"/notifications/{row.pk}/open/").status_code == 404
    assert "上海华联超市" not in client.get("/notifications/").content.decode()
    assert "上海华联超市" not in client.get("/notifications/bell/").content.decode()
    api = client_for(people["blind"])
    assert api.get("/api/v1/notifications/").json()["count"] == 0
    assert api.post(f"/api/v1/notifications/{row.pk}/read/").status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_api_lists_marks_read_and_reads_all(people):
    (row,) = send(people, [people["reader"]])
    send(people, [people["reader"]], name="第二条")
    api = client_for(people["reader"])
    listed = api.get("/api/v1/notifications/?unread=1", HTTP_ACCEPT_LANGUAGE="en").json()
    assert listed["count"] == 2 and listed["results"][0]["text"].startswith("孙发送 says hello")
    assert listed["results"][0]["target_type"] == "customer" and listed["results"][0]["url"]
    assert api.post(f"/api/v1/notifications/{row.pk}/read/").json()["read_at"]
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert api.get("/api/v1/notifications/?unread=1").json()["count"] == 0
