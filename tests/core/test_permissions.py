"""The seed's permission rules as literal tests, named by rule (PERM-1 … PERM-5, PERM-13)."""

import pytest
from django.db import connection

from qiao.core.permissions import Scope, can, explain
from qiao.customers.models import Customer
from tests.factories import OrganizationFactory
from tests.permissions_helpers import activity, customer, employee, role

# The organization of every test: 测试公司 → 销售部 → 华东组, and 客服部 beside 销售部.


@pytest.fixture
def org(db):
    return OrganizationFactory()


def visible(user, action="view") -> set:
    return set(Customer.objects.visible_to(user, action).values_list("name", flat=True))


class TestPerm2SeedExamples:
    """PERM-2 (a)–(c), as the seed states them, and the two ends of the scale."""

    @pytest.fixture
    def records(self, org):
        """One customer per relation an employee 'a' in 销售部 can have to it, plus one in 华东组
        (below 销售部) and one with no relation at all."""
        a = employee(org, "销售部", full_name="a")
        colleague = employee(org, "销售部")
        stranger = employee(org, "客服部")
        customer(org, name="owned", owner=a)
        customer(org, name="related-employee", owner=stranger, related_users=[a])
        customer(org, name="owner-department", owner=colleague)
        customer(org, name="related-department", owner=stranger, related_departments=["销售部"])
        customer(org, name="sub-department", owner=stranger, owner_department="华东组")
        customer(org, name="sub-related-department", owner=stranger, related_departments=["华东组"])
        customer(org, name="unrelated", owner=stranger)
        return a

    def test_perm2_a_owner_sees_only_what_he_owns(self, org, records):
        records.roles.set([role(org, "负责员工", view="owner")])
        assert visible(records) == {"owned"}

    def test_perm2_b_related_employee_sees_owned_and_related(self, org, records):
        records.roles.set([role(org, "相关员工", view="related_employee")])
        assert visible(records) == {"owned", "related-employee"}

    def test_perm2_owner_department_adds_the_own_department_only(self, org, records):
        records.roles.set([role(org, "负责部门", view="owner_department")])
        assert visible(records) == {"owned", "related-employee", "owner-department"}

    def test_perm2_c_related_department_sees_every_relation_and_sub_departments(self, org, records):
        records.roles.set([role(org, "相关部门", view="related_department")])
        assert visible(records) == {
            "owned",
            "related-employee",
            "owner-department",
            "related-department",
            "sub-department",
            "sub-related-department",
        }

    def test_perm2_none_never_not_even_the_owner(self, org, records):
        records.roles.set([role(org, "无", view="none")])
        assert visible(records) == set()
        assert not can(records, "view", Customer.objects.get(name="owned"))

    def test_perm2_all_within_the_organization_only(self, org, records):
        other = OrganizationFactory(name="别家公司")
        customer(other, name="elsewhere", owner=employee(other, "销售部"))
        records.roles.set([role(org, "全部", view="all")])
        assert "unrelated" in visible(records) and "elsewhere" not in visible(records)

    def test_perm1_several_roles_give_the_widest_scope(self, org, records):
        records.roles.set([role(org, "窄", view="owner"), role(org, "宽", view="owner_department")])
        assert visible(records) == {"owned", "related-employee", "owner-department"}

    def test_org3_a_scope_without_its_function_permission_gives_nothing(self, org, records):
        without_code = role(org, "缺权限", view="all", codes=[])
        without_code.permissions = []
        without_code.save()
        records.roles.set([without_code])
        assert visible(records) == set()
        reasons = explain(records, "view", Customer.objects.get(name="owned")).reasons
        assert any("customer.view" in reason for reason in reasons)


class TestCountingRelationByRelation:
    """`visible_to(...).count()` sums disjoint per-relation pieces (permissions/condition.py): a
    record reached through several relations counts once, a record without an owner department
    still counts, and filters added after `visible_to` apply to every piece."""

    @pytest.fixture
    def user(self, org):
        me = employee(org, "销售部")
        stranger = employee(org, "客服部")
        customer(org, name="everything", owner=me, related_users=[me], related_departments=["销售部", "华东组"])
        customer(org, name="no department", owner=me)
        customer(org, name="related, no department", owner=stranger, related_users=[me])
        customer(org, name="below", owner=stranger, owner_department="华东组")
        customer(org, name="unrelated", owner=stranger)
        Customer.objects.filter(name__contains="no department").update(owner_department=None)
        me.roles.set([role(org, "相关部门", view="related_department")])
        return me

    def test_the_count_is_used_and_exact(self, org, user):
        from qiao.core.permissions.condition import piecewise_count

        listed = Customer.objects.visible_to(user)
        assert piecewise_count(listed.query, using="default") == 4 == len(listed)
        assert listed.count() == 4

    def test_the_pieces_are_counted_in_one_statement(self, org, user, django_assert_num_queries):
        listed = Customer.objects.visible_to(user)  # reads the roles and the subtree
        with django_assert_num_queries(1) as captured:
            assert listed.count() == 4
        # The four relations of the scope and the public pool's rule (on PostgreSQL the related
        # departments' piece counts distinct records from their relation table).
        assert captured.captured_queries[0]["sql"].count("COUNT(") == 5

    def test_a_filter_that_matches_nothing_counts_zero_without_a_query(self, org, user, django_assert_num_queries):
        listed = Customer.objects.visible_to(user).filter(name__in=[])
        with django_assert_num_queries(0):
            assert listed.count() == 0

    def test_later_filters_apply_to_every_piece(self, org, user):
        narrowed = Customer.objects.visible_to(user).filter(name__contains="department")
        assert narrowed.count() == 2 == len(narrowed)
        assert Customer.objects.visible_to(user).exclude(name="everything").count() == 3

    def test_listed_ids_narrow_the_scope_and_are_counted_in_one_piece(self, org, user, django_assert_num_queries):
        """A search's candidates (`IdInList` on the primary key) keep the scope: a listed id out of
        scope stays out, and the count is one COUNT over the listed ids, not one per relation."""
        from qiao.core.permissions.condition import IdInList, scope_pieces

        ids = list(Customer.objects.values_list("pk", flat=True))
        listed = Customer.objects.visible_to(user).filter(IdInList("pk", ids))
        assert {row.name for row in listed} == {row.name for row in Customer.objects.visible_to(user)}
        assert scope_pieces(listed.query) is None
        with django_assert_num_queries(1) as captured:
            assert listed.all().count() == 4  # .all(): not from the rows read above
        assert captured.captured_queries[0]["sql"].count("COUNT(") == 1
        below = Customer.objects.get(name="below").pk
        assert [row.name for row in Customer.objects.visible_to(user).filter(IdInList("pk", [below]))] == ["below"]
        assert Customer.objects.visible_to(user).filter(IdInList("pk", [])).count() == 0
        # Listed owners are no list of records: the count still goes relation by relation.
        by_owner = Customer.objects.visible_to(user).filter(IdInList("owner_id", [user.pk]))
        assert scope_pieces(by_owner.query) is not None

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite gets one parameter per id")
    def test_listed_ids_are_one_parameter_on_postgresql(self, org, user):
        """Thousands of candidates as one array literal: quoting one parameter per id cost psycopg
        milliseconds per query (bench/permissions)."""
        from qiao.core.permissions.condition import IdInList

        ids = [*range(10**6, 10**6 + 3000), *Customer.objects.values_list("pk", flat=True)]
        queryset = Customer.objects.filter(IdInList("pk", ids)).values_list("name", flat=True)
        sql, params = queryset.query.sql_with_params()
        assert "= ANY(%s::bigint[])" in sql and len(params) == 1
        assert set(queryset) == set(Customer.objects.values_list("name", flat=True))


class TestPagingRelationByRelation:
    """A list that counted few records is paged among the first rows of each relation
    (`ScopedQuerySet.__getitem__`, `piecewise_first_ids`) instead of walking the organization's
    newest-first index: the same rows in the same order, and never a record out of scope."""

    @pytest.fixture
    def user(self, org):
        me = employee(org, "销售部")
        stranger = employee(org, "客服部")
        # More rows per relation than the smaller pages hold, so that a piece's LIMIT drops rows,
        # created out of name order, so that the order of creation is not the order by name.
        for number in (4, 1, 6, 2, 5, 3, 8, 7):
            customer(org, name=f"甲{number} own", owner=me)
        customer(org, name="乙 related", owner=stranger, related_users=[me])
        customer(org, name="丙 department", owner=stranger, owner_department="销售部")
        customer(org, name="丁 related department", owner=stranger, related_departments=["华东组"])
        customer(org, name="戊 below", owner=stranger, owner_department="华东组")
        customer(org, name="己 own and related", owner=me, related_users=[me])
        for number in range(1, 3):
            customer(org, name=f"辛{number} related", owner=stranger, related_users=[me])
        # Owned, without a department: NULL where the list orders by department.
        Customer.objects.filter(name__in=["甲2 own", "甲3 own"]).update(owner_department=None)
        # The newest record is out of scope: a page must skip it.
        customer(org, name="庚 unrelated", owner=stranger)
        me.roles.set([role(org, "相关部门", view="related_department")])
        return me

    @staticmethod
    def counted(queryset):
        queryset.count()
        return queryset

    ORDERINGS = [(), ("-created_at",), ("name", "pk"), ("owner_department__name", "-pk"), ("-owner_department", "name")]

    @pytest.mark.parametrize("ordering", ORDERINGS)
    @pytest.mark.parametrize("page", [slice(0, 2), slice(2, 5), slice(5, 50), slice(0, 50)])
    def test_the_same_rows_in_the_same_order(self, org, user, ordering, page, django_assert_num_queries):
        listed = Customer.objects.visible_to(user)
        listed = listed.order_by(*ordering) if ordering else listed
        expected = [row.name for row in listed.all()[page]]  # .all(): a copy, not counted, walks
        counted = self.counted(listed.all())
        with django_assert_num_queries(1) as captured:
            assert [row.name for row in counted[page]] == expected
        assert "UNION ALL" in captured.captured_queries[0]["sql"]

    def test_a_record_out_of_scope_stays_out(self, org, user):
        names = [row.name for row in self.counted(Customer.objects.visible_to(user))[0:50]]
        assert sorted(names) == sorted(row.name for row in Customer.objects.visible_to(user).all())
        assert "庚 unrelated" not in names and len(names) == 15

    def test_values_are_paged_by_pieces_too(self, org, user, django_assert_num_queries):
        listed = Customer.objects.visible_to(user).order_by("name", "pk").values_list("name", flat=True)
        expected = list(listed.all()[1:4])
        counted = self.counted(listed.all())
        with django_assert_num_queries(1) as captured:
            assert list(counted[1:4]) == expected
        assert "UNION ALL" in captured.captured_queries[0]["sql"]

    def test_an_ordering_by_expression_walks(self, org, user, django_assert_num_queries):
        from django.db.models.functions import Lower

        counted = self.counted(Customer.objects.visible_to(user).order_by(Lower("name").desc(), "pk"))
        with django_assert_num_queries(1) as captured:
            assert [row.name for row in counted[0:2]] == ["辛2 related", "辛1 related"]
        assert "UNION ALL" not in captured.captured_queries[0]["sql"]

    def test_a_window_is_computed_over_the_whole_list(self, org, user):
        """A window over a piece would see that piece's rows only: a list with one is counted and
        paged as one query (`scope_pieces`)."""
        from django.db.models import Count, Window

        listed = Customer.objects.visible_to(user).annotate(listed=Window(Count("pk"))).order_by("name", "pk")
        counted = self.counted(listed.all())
        assert counted.count() == 15
        assert {row.listed for row in counted[0:3]} == {15}

    def test_a_list_that_counted_more_walks_as_before(self, org, user, monkeypatch, django_assert_num_queries):
        from qiao.core.models import base

        monkeypatch.setattr(base, "FEW_ENOUGH_TO_PAGE_BY_PIECES", 14)
        counted = self.counted(Customer.objects.visible_to(user))
        with django_assert_num_queries(1) as captured:
            assert len(counted[0:50]) == 15
        assert "UNION ALL" not in captured.captured_queries[0]["sql"]

    def test_a_copy_does_not_inherit_the_count(self, org, user, django_assert_num_queries):
        copy = self.counted(Customer.objects.visible_to(user)).filter(name__contains="丙")
        with django_assert_num_queries(1) as captured:
            assert [row.name for row in copy[0:50]] == ["丙 department"]
        assert "UNION ALL" not in captured.captured_queries[0]["sql"]

    def test_the_api_list_pages_by_pieces(self, org, user):
        from django.test.utils import CaptureQueriesContext

        from tests.conftest import api_client_for

        newest_four = [row.name for row in Customer.objects.visible_to(user)[0:4]]  # not counted: walks
        with CaptureQueriesContext(connection) as captured:
            body = api_client_for(user).get("/api/v1/customers/?page_size=4").json()
        assert body["count"] == 15
        assert [row["name"] for row in body["results"]] == newest_four
        assert "辛2 related" in newest_four and "庚 unrelated" not in newest_four
        assert any("UNION ALL" in query["sql"] for query in captured.captured_queries)

    def test_the_list_page_pages_by_pieces(self, org, user, client):
        """django-tables2 counts and slices the same queryset too (the customer list page)."""
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("customers:list")).content.decode()
        assert "己 own and related" in page and "甲1 own" in page and "庚 unrelated" not in page
        assert any("UNION ALL" in query["sql"] for query in captured.captured_queries)


class TestPerm4EditAndDelete:
    def test_perm4_edit_needs_view_and_edit_scope(self, org):
        user = employee(org, "销售部")
        mine = customer(org, name="mine", owner=user)
        user.roles.set([role(org, "只改不看", view="none", edit="all", delete="all")])
        assert not can(user, "edit", mine) and not can(user, "delete", mine)
        assert visible(user, "edit") == set()

    def test_perm4_visible_but_not_editable(self, org):
        user = employee(org, "销售部")
        colleague = employee(org, "销售部")
        theirs = customer(org, name="theirs", owner=colleague)
        user.roles.set([role(org, "看部门改自己", view="owner_department", edit="owner", delete="none")])
        assert can(user, "view", theirs) and not can(user, "edit", theirs) and not can(user, "delete", theirs)
        assert visible(user) == {"theirs"} and visible(user, "edit") == set()


class TestPerm5Activities:
    """Activities: owner / related employee (owner, creator, related) / owner department /
    related department (with sub-departments) / all, and the two switches."""

    @pytest.fixture
    def world(self, org):
        me = employee(org, "销售部")
        teammate = employee(org, "销售部")
        below = employee(org, "华东组")
        elsewhere = employee(org, "客服部")
        activity(org, owner=me, notes="mine")
        activity(org, owner=elsewhere, creator=me, notes="created")
        activity(org, owner=elsewhere, related_users=[me], notes="related")
        activity(org, owner=teammate, notes="teammate")
        activity(org, owner=below, notes="below")
        activity(org, owner=elsewhere, notes="elsewhere")
        return me, elsewhere

    def notes(self, user):
        from qiao.activities.models import Activity

        return set(Activity.objects.visible_to(user).values_list("notes", flat=True))

    @pytest.mark.parametrize(
        "scope,expected",
        [
            ("owner", {"mine"}),
            ("related_employee", {"mine", "created", "related"}),
            ("owner_department", {"mine", "created", "related", "teammate"}),
            ("related_department", {"mine", "created", "related", "teammate", "below"}),
            ("all", {"mine", "created", "related", "teammate", "below", "elsewhere"}),
        ],
    )
    def test_perm5_activity_scopes(self, org, world, scope, expected):
        me, _ = world
        me.roles.set([role(org, scope, activity={"view": scope})])
        assert self.notes(me) == expected

    def test_perm5_owned_objects_switch(self, org, world):
        me, elsewhere = world
        owned = customer(org, name="my customer", owner=me)
        activity(org, owner=elsewhere, subject=owned, notes="about my customer")
        me.roles.set([role(org, "switch", view="owner", activity={"view": "owner", "owned_objects": True})])
        assert self.notes(me) == {"mine", "about my customer"}

    def test_perm5_visible_objects_switch(self, org, world):
        me, elsewhere = world
        related = customer(org, name="related customer", owner=elsewhere, related_users=[me])
        invisible = customer(org, name="invisible customer", owner=elsewhere)
        activity(org, owner=elsewhere, subject=related, notes="about a visible customer")
        activity(org, owner=elsewhere, subject=invisible, notes="about an invisible customer")
        me.roles.set(
            [role(org, "switch", view="related_employee", activity={"view": "owner", "visible_objects": True})]
        )
        assert self.notes(me) == {"mine", "about a visible customer"}

    def test_perm5_both_switches_together(self, org, world):
        """The owned and the visible subjects are one union; on SQLite its parts may carry no
        ORDER BY (the models' default ordering), or the list raises a DatabaseError."""
        me, elsewhere = world
        owned = customer(org, name="my customer", owner=me)
        related = customer(org, name="related customer", owner=elsewhere, related_users=[me])
        invisible = customer(org, name="invisible customer", owner=elsewhere)
        activity(org, owner=elsewhere, subject=owned, notes="about my customer")
        activity(org, owner=elsewhere, subject=related, notes="about a visible customer")
        activity(org, owner=elsewhere, subject=invisible, notes="about an invisible customer")
        switches = {"view": "owner", "owned_objects": True, "visible_objects": True}
        me.roles.set([role(org, "switches", view="related_employee", activity=switches)])
        assert self.notes(me) == {"mine", "about my customer", "about a visible customer"}


class TestPerm13Explain:
    def test_perm13_explain_names_role_scope_and_relation(self, org):
        user = employee(org, "销售部", full_name="王五")
        record = customer(org, name="x", owner=employee(org, "华东组"))
        user.roles.set([role(org, "销售代表", view="owner_department")])
        answer = explain(user, "view", record)
        assert answer.allowed is False
        assert answer.scope == Scope.OWNER_DEPARTMENT and answer.needed == Scope.RELATED_DEPARTMENT
        text = " ".join(answer.reasons)
        assert "销售代表" in text and "王五" in text
