"""PERM-13: an admin views the system as an employee sees it — read-only, and recorded; explains an
employee's access to a record; and sees who can see a record (`who_may`)."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from qiao.core.models import ViewAsSession
from qiao.core.permissions import ACTIONS, can, engine, who_may, with_user_facts
from qiao.customers.models import Customer
from qiao.org.models import User
from tests.permissions_helpers import activity, customer, employee, fresh, role


@pytest.fixture
def scene(organization, admin_user):
    rep = employee(organization, "销售部", role(organization, "代表", view="owner", edit="owner"), full_name="小王")
    customer(organization, name="小王的客户", owner=rep)
    customer(organization, name="别人的客户", owner=admin_user)
    return rep


def test_perm13_view_as_shows_what_the_employee_sees(client, admin_user, scene):
    client.force_login(admin_user)
    assert "别人的客户" in client.get(reverse("customers:list")).content.decode()
    client.post(reverse("view_as_start"), {"user": scene.pk})
    page = client.get(reverse("customers:list")).content.decode()
    assert "小王的客户" in page and "别人的客户" not in page
    assert "小王" in page  # the banner names who is being viewed as
    api = client.get("/api/v1/customers/").json()
    assert [row["name"] for row in api["results"]] == ["小王的客户"]


def test_perm13_view_as_is_read_only_and_recorded(client, admin_user, scene):
    client.force_login(admin_user)
    client.post(reverse("view_as_start"), {"user": scene.pk})
    record = Customer.objects.get(name="小王的客户")
    response = client.post(reverse("customers:edit", args=[record.pk]), {"name": "改掉"})
    assert response.status_code == 403
    assert client.post("/api/v1/customers/", {"name": "新"}).status_code == 403
    client.get(reverse("customers:detail", args=[record.pk]))
    session = ViewAsSession.objects.get(admin=admin_user)
    assert session.viewed_as == scene and reverse("customers:detail", args=[record.pk]) in session.pages
    client.post(reverse("view_as_stop"))
    session.refresh_from_db()
    assert session.ended_at is not None
    assert "别人的客户" in client.get(reverse("customers:list")).content.decode()
    assert Customer.objects.get(pk=record.pk).name == "小王的客户"


def test_perm13_only_holders_of_access_explain(client, employee):
    client.force_login(employee)
    assert client.get(reverse("explain")).status_code == 403
    assert client.post(reverse("view_as_start"), {"user": employee.pk}).status_code == 403
    assert client.get("/api/v1/access/explain/?user=1&target_type=customer&target_id=1").status_code == 403
    assert client.get(reverse("explain_viewers") + "?target_type=customer&target_id=1").status_code == 403
    assert client.get("/api/v1/access/viewers/?target_type=customer&target_id=1").status_code == 403


def test_perm13_explain_api(admin_api, scene):
    record = Customer.objects.get(name="别人的客户")
    body = admin_api.get(f"/api/v1/access/explain/?user={scene.pk}&target_type=customer&target_id={record.pk}").json()
    assert body["view"] is False and body["edit"] is False and body["delete"] is False
    assert set(body["reasons"]) == {"view", "edit", "delete"} and body["reasons"]["view"]
    own = Customer.objects.get(name="小王的客户")
    body = admin_api.get(f"/api/v1/access/explain/?user={scene.pk}&target_type=customer&target_id={own.pk}").json()
    assert body["view"] is True and body["edit"] is True and body["delete"] is False
    bad = admin_api.get("/api/v1/access/explain/?user=abc&target_type=spaceship&target_id=1")
    assert bad.status_code == 400


def test_perm13_explain_page_opened_from_a_record_names_it_and_asks_for_an_employee(client, admin_user, scene):
    record = Customer.objects.get(name="别人的客户")
    client.force_login(admin_user)
    target = f"{reverse('explain')}?target_type=customer&target_id={record.pk}"
    page = client.get(target, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="" selected>Choose an employee</option>' in page
    assert "data-record-name>别人的客户<" in page and "data-choose-employee" in page
    assert "data-allowed" not in page  # nothing is explained before an employee is chosen
    page = client.get(f"{target}&user={scene.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count('data-allowed="no"') == 3 and "data-choose-employee" not in page

    assert reverse("explain_viewers") not in page  # who can see it: only while no employee is chosen


def test_perm13_who_can_see_a_record_is_the_engine_asked_for_every_employee(
    client, admin_user, organization, django_assert_max_num_queries
):
    rep = employee(organization, "销售部", role(organization, "rep", view="owner"))
    helper = employee(organization, "客服部", role(organization, "helper", view="related_employee"))
    manager = employee(organization, "销售部", role(organization, "manager", view="owner_department"))
    outsider = employee(organization, "客服部", role(organization, "outsider", view="owner_department"))
    nobody = employee(organization, "客服部", role(organization, "nobody"))
    record = customer(organization, name="宁波鲜丰水果超市", owner=rep, related_users=[helper])
    regional = role(organization, "regional", view="related_department")
    for _ in range(30):  # one department: they share one read of its subtree and one query
        employee(organization, "销售部", regional)
    everyone = list(User.objects.filter(org=organization, is_active=True))
    expected = {user.pk for user in everyone if can(fresh(user), "view", record)}
    assert {rep.pk, helper.pk, manager.pk, admin_user.pk} <= expected
    assert not {outsider.pk, nobody.pk} & expected
    client.force_login(admin_user)
    opened = client.get(f"{reverse('explain')}?target_type=customer&target_id={record.pk}").content.decode()
    viewers_url = f"{reverse('explain_viewers')}?target_type=customer&target_id={record.pk}"
    assert f'hx-get="{viewers_url}"' in opened
    with django_assert_max_num_queries(12):  # not one per employee: 36 of them
        page = client.get(viewers_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert {int(pk) for pk in re.findall(r'data-viewer="(\d+)"', page)} == expected
    assert f'data-seen-by="{len(expected)}"' in page
    assert re.findall(r'data-scope="(\w+)"', page)[-1] == "owner"  # widest scope first
    assert client.get(reverse("explain_viewers") + "?target_type=customer&target_id=999999").status_code == 404


def test_perm13_who_can_see_a_record_through_the_api(admin_api, scene):
    record = Customer.objects.get(name="小王的客户")
    body = admin_api.get(f"/api/v1/access/viewers/?target_type=customer&target_id={record.pk}").json()
    assert {viewer["id"] for viewer in body["viewers"]} == {
        user.pk for user in User.objects.filter(org=scene.org, is_active=True) if can(fresh(user), "view", record)
    }
    assert next(v for v in body["viewers"] if v["id"] == scene.pk)["view_scope"] == "owner"
    assert body["active_employees"] == User.objects.filter(org=scene.org, is_active=True).count()
    for query in ("", "?target_type=customer&target_id=abc", "?target_type=spaceship&target_id=1"):
        answer = admin_api.get(f"/api/v1/access/viewers/{query}")
        assert answer.status_code == 400 and "target_id" in answer.json()


@pytest.mark.parametrize("bad", ["%C2%B2", "abc", "-1", "99999999999999999999999", ""])
def test_perm13_bad_ids_are_not_found_never_an_error(client, admin_api, admin_user, scene, bad):
    client.force_login(admin_user)
    assert client.get(f"{reverse('explain_viewers')}?target_type=customer&target_id={bad}").status_code == 404
    assert client.get(f"{reverse('explain')}?user={bad}&target_type=customer&target_id={bad}").status_code == 200
    assert client.post(reverse("view_as_start"), {"user": bad}).status_code == 404
    assert admin_api.get(f"/api/v1/access/viewers/?target_type=customer&target_id={bad}").status_code == 400
    assert admin_api.get(f"/api/v1/access/explain/?user={bad}&target_type=customer&target_id=1").status_code == 400


@pytest.mark.parametrize(("batch", "most_parameters"), [(engine.WHO_MAY_BATCH, None), (2, None), (400, 5)])
def test_perm13_who_may_is_can_asked_of_every_employee(organization, monkeypatch, batch, most_parameters):
    """The explain page's "who can see it" (who_may) answers as `can` does for each employee, for
    main objects and activities (PERM-5's switches), deleted records, and queries asking about
    several employees at once: split by WHO_MAY_BATCH, or by the database's limit on parameters."""
    monkeypatch.setattr(engine, "WHO_MAY_BATCH", batch)
    if most_parameters is not None:
        monkeypatch.setattr(connection.features, "max_query_params", most_parameters)
    batches = []  # (selects, parameters) of every query who_may sends
    send = engine._ids_of_union

    def counting_send(database, selects, params):
        batches.append((len(selects), len(params)))
        return send(database, selects, params)

    monkeypatch.setattr(engine, "_ids_of_union", counting_send)
    rep = employee(
        organization, "华东组", role(organization, "rep", view="owner", edit="owner", activity={"view": "owner"})
    )
    helper = employee(
        organization,
        "客服部",
        role(organization, "helper", view="related_employee", activity={"view": "none", "visible_objects": True}),
    )
    manager_role = role(organization, "mgr", view="related_department", activity={"view": "owner_department"})
    employee(organization, "销售部", manager_role)
    desk_role = role(organization, "desk", view="owner_department", activity={"owned_objects": True})
    employee(organization, "客服部", desk_role)
    employee(organization, "客服部", role(organization, "nobody"))
    owned = customer(organization, owner=rep, related_users=[helper])
    unowned = customer(organization, owner_department="客服部", related_departments=["华东组"])
    visit = activity(organization, owner=rep, subject=owned)
    removed = customer(organization, owner=rep, deleted_at=timezone.now())
    users = list(with_user_facts(User.objects.filter(org=organization)))
    for record in (owned, unowned, visit, removed):
        for action in ACTIONS:
            expected = {user.pk for user in users if can(fresh(user), action, record)}
            assert {user.pk for user in who_may(action, record, users)} == expected, (record, action)
    assert {user.pk for user in who_may("view", owned, users)} >= {rep.pk, helper.pk}
    assert all(selects <= batch for selects, _ in batches)
    if most_parameters is not None:  # a batch holds more than one user only within the limit
        assert all(params <= most_parameters for selects, params in batches if selects > 1)
        assert any(selects > 1 for selects, _ in batches) or max(params for _, params in batches) > most_parameters
