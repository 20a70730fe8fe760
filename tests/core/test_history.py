"""core/history.py: changing many records at once leaves the history a save() of each record
leaves (CUS-11, NFR-3), the snapshot of the many-to-many relations included, so that a record's
history reads and reverts the same whichever way it was changed (ORG-6 hands over this way)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_m2m_field_name

from qiao.core.generic import history_entries
from qiao.core.history import record_relations_in_history, update_with_history
from qiao.customers.models import Customer, Tag
from tests.permissions_helpers import activity, customer, employee

# What differs between two records and between two moments, not between two ways of saving.
VARYING = {"id", "history_id", "history_date", "created_at", "updated_at"}


def latest_history(record) -> tuple[dict, dict]:
    """The record's newest history row as (values, the snapshot of each many-to-many relation)."""
    row = record.history.order_by("-history_id").first()
    values = {field.attname: getattr(row, field.attname) for field in row._meta.fields if field.attname not in VARYING}
    relations = {}
    for field in type(row)._history_m2m_fields:
        snapshot = getattr(type(row), field.name).model
        record_column = field.remote_field.through._meta.get_field(get_m2m_field_name(field)).attname
        assert set(snapshot.objects.filter(history_id=row.history_id).values_list(record_column, flat=True)) <= {
            record.pk
        }
        target = field.m2m_reverse_name()
        relations[field.name] = sorted(
            snapshot.objects.filter(history_id=row.history_id).values_list(target, flat=True)
        )
    return values, relations


def test_a_bulk_change_writes_the_history_a_save_writes(organization):
    old_owner = employee(organization, "销售部")
    new_owner = employee(organization, "客服部")
    helpers = [employee(organization, "销售部"), employee(organization, "华东组")]
    tags = [Tag.objects.create(org=organization, name=name) for name in ("重点", "华东")]
    relations = {"related_users": helpers, "related_departments": ["华东组", "客服部"]}
    saved, changed = (customer(organization, name="杭州西湖贸易", owner=old_owner, **relations) for _ in range(2))
    untouched = customer(organization, name="宁波港口物流", owner=old_owner, related_users=helpers[:1])
    for record in (saved, changed):
        record.tags.set(tags)
    tomorrow = timezone.now() + timedelta(days=1)
    upcoming = [
        activity(organization, owner=old_owner, related_users=helpers, subject=saved, starts_at=tomorrow)
        for _ in range(2)
    ]

    reason = "交接给新同事"
    saved.owner, saved.owner_department = new_owner, new_owner.department
    saved.version += 1
    saved._change_reason = reason
    saved.save()
    changes = {"owner": new_owner, "owner_department_id": new_owner.department_id}
    untouched_history = untouched.history.count()
    update_with_history(Customer, [changed], changes, user=None, reason=reason)

    assert latest_history(changed) == latest_history(saved)
    values, relations = latest_history(changed)
    assert values["owner_id"] == new_owner.pk and values["version"] == 2 and values["history_type"] == "~"
    assert relations == {
        "related_users": sorted(user.pk for user in helpers),
        "related_departments": sorted(saved.related_departments.values_list("pk", flat=True)),
        "tags": sorted(tag.pk for tag in tags),
    }
    changed.refresh_from_db()
    assert (changed.owner, changed.owner_department, changed.version) == (new_owner, new_owner.department, 2)
    assert untouched.history.count() == untouched_history and Customer.objects.get(pk=untouched.pk).owner == old_owner

    # An activity (no owner department; related employees only), by an employee, in one chunk.
    upcoming[0].owner = new_owner
    upcoming[0].version += 1
    upcoming[0]._change_reason = reason
    upcoming[0].save()
    with CaptureQueriesContext(connection) as queries:
        update_with_history(type(upcoming[1]), upcoming[1:], {"owner": new_owner}, user=None, reason=reason)
    values, relations = latest_history(upcoming[1])
    assert (values, relations) == latest_history(upcoming[0]) and relations["related_users"]
    assert len(queries) <= 4  # the update, the history rows, the links read and their snapshot


def test_the_history_names_who_changed_and_chunks_hold_everything(organization, admin_user, monkeypatch):
    monkeypatch.setattr("qiao.core.history.CHUNK", 2)
    owner, successor = employee(organization, "销售部"), employee(organization, "客服部")
    records = [customer(organization, name=f"客户{number}", owner=owner, related_users=[owner]) for number in range(5)]
    update_with_history(Customer, records, {"owner": successor}, user=admin_user, reason="交接")
    for record in records:
        row = record.history.order_by("-history_id").first()
        assert (row.history_user, row.history_change_reason, row.owner_id) == (admin_user, "交接", successor.pk)
        assert latest_history(record)[1]["related_users"] == [owner.pk]
        assert Customer.objects.get(pk=record.pk).version == 2


def test_relations_linked_after_a_bulk_creation_join_its_history(organization, admin_user, english):
    owner, colleague, successor = (employee(organization, "销售部") for _ in range(3))
    created = bulk_create_with_history([Customer(org=organization, name="杭州西湖贸易", owner=owner)], Customer)
    Customer.related_users.through.objects.create(customer_id=created[0].pk, user_id=colleague.pk)
    record_relations_in_history(Customer, created)
    assert latest_history(created[0])[1]["related_users"] == [colleague.pk]
    update_with_history(Customer, created, {"owner": successor}, user=admin_user, reason="交接")
    # What the record's page shows: the owner changed, the team did not.
    assert [change["field"] for change in history_entries(admin_user, created[0])[0]["changes"]] == ["Owner"]
