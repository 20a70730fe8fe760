"""PERM-2 (c) on PostgreSQL: a related_department user's count reads the related-departments
piece from the copies of each record's organization, owner department and liveness on its
relation rows (core/migration_operations.py `related_department_facts`). The copies must follow
the record through every kind of write, or the count would drift from the list."""

import pytest
from django.db import connection
from django.utils import timezone

from qiao.core.permissions import main_object_types
from qiao.customers.models import Customer
from qiao.org.models import Department
from tests.factories import OrganizationFactory
from tests.permissions_helpers import customer, employee, role

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the relation rows carry the record's facts on PostgreSQL only"
)


@pytest.fixture
def org(db):
    return OrganizationFactory()


def facts_of(record) -> set[tuple]:
    """(department, organization, owner department, live) of each of the record's relation rows."""
    field = type(record)._meta.get_field("related_departments")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT department_id, record_org_id, record_owner_department_id, record_live"
            f" FROM {field.m2m_db_table()} WHERE {field.m2m_column_name()} = %s",
            [record.pk],
        )
        return set(cursor.fetchall())


def department(org, name: str) -> Department:
    return Department.objects.get(org=org, name=name)


def test_every_main_object_has_the_facts_and_their_triggers(db):
    """A main object added later needs `related_department_facts` in its migration: without it
    the engine's count would read columns that do not exist."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        triggers = {name for (name,) in cursor.fetchall()}
    for kind in main_object_types():
        field = kind.model._meta.get_field("related_departments")
        assert f"{field.m2m_db_table()}_take_facts" in triggers, kind.code
        assert f"{kind.model._meta.db_table}_give_facts" in triggers, kind.code


def test_perm2_the_facts_follow_the_record_through_every_write(org):
    sales, east, service = department(org, "销售部"), department(org, "华东组"), department(org, "客服部")
    owner = employee(org, "客服部")
    record = customer(org, owner=owner, related_departments=["销售部"])
    assert facts_of(record) == {(sales.pk, org.pk, service.pk, True)}

    record.related_departments.add(east)  # a relation added later takes the facts too
    assert facts_of(record) == {(sales.pk, org.pk, service.pk, True), (east.pk, org.pk, service.pk, True)}

    record.owner_department = east  # the ORM's save
    record.save()
    assert {row[2] for row in facts_of(record)} == {east.pk}

    Customer.objects.filter(pk=record.pk).update(owner_department=None)  # a bulk update
    assert {row[2] for row in facts_of(record)} == {None}

    Customer.objects.filter(pk=record.pk).update(deleted_at=timezone.now())  # into the recycle bin
    assert {row[3] for row in facts_of(record)} == {False}

    Customer.all_objects.filter(pk=record.pk).update(deleted_at=None)  # and back
    assert {row[3] for row in facts_of(record)} == {True}


def test_perm2_c_the_count_from_the_facts_equals_the_list(org, django_assert_num_queries):
    """Records related to the subtree and owned elsewhere, one also owned inside it, one deleted,
    one without an owner department, one of another organization: the count is the list's length,
    and it came from the relation rows (one COUNT(DISTINCT …))."""
    me = employee(org, "销售部")
    stranger = employee(org, "客服部")
    customer(org, name="related", owner=stranger, related_departments=["销售部", "华东组"])
    customer(org, name="related below", owner=stranger, related_departments=["华东组"])
    customer(org, name="owned inside too", owner=stranger, owner_department="华东组", related_departments=["销售部"])
    no_department = customer(org, name="no owner department", owner=stranger, related_departments=["销售部"])
    Customer.objects.filter(pk=no_department.pk).update(owner_department=None)
    deleted = customer(org, name="deleted", owner=stranger, related_departments=["销售部"])
    Customer.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    customer(org, name="unrelated", owner=stranger, related_departments=["客服部"])
    other = OrganizationFactory(name="别家公司")
    elsewhere_owner = employee(other, "客服部")
    customer(other, name="elsewhere", owner=elsewhere_owner, related_departments=[department(other, "销售部")])
    me.roles.set([role(org, "相关部门", view="related_department")])

    listed = Customer.objects.visible_to(me)
    with django_assert_num_queries(1) as captured:
        count = listed.count()
    assert "COUNT(DISTINCT" in captured.captured_queries[0]["sql"]
    names = {row.name for row in listed}
    assert names == {"related", "related below", "owned inside too", "no owner department"}
    assert count == len(names)


def test_a_filtered_list_counts_the_generic_way(org, django_assert_num_queries):
    """A search or a filter applies to the record's own row, which the relation rows do not have:
    such a list counts its related-departments piece by looking its records up."""
    me = employee(org, "销售部")
    stranger = employee(org, "客服部")
    customer(org, name="related A", owner=stranger, related_departments=["销售部"])
    customer(org, name="related B", owner=stranger, related_departments=["销售部"])
    me.roles.set([role(org, "相关部门", view="related_department")])

    narrowed = Customer.objects.visible_to(me).filter(name__endswith="A")
    with django_assert_num_queries(1) as captured:
        assert narrowed.count() == 1
    assert "COUNT(DISTINCT" not in captured.captured_queries[0]["sql"]
