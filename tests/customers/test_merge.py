"""CUS-8 merging: every related record moves to the surviving customer, the merge is recorded and
undoable exactly; refused merges change nothing."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from qiao.activities.models import Activity
from qiao.core.attachments import attachment_add
from qiao.core.comments import comment_add
from qiao.core.models import Attachment, Comment
from qiao.customers import merge as merge_module
from qiao.customers.errors import CustomerError
from qiao.customers.merge import customer_merge, customer_merge_undo, register_customer_reference
from qiao.customers.models import (
    Contact,
    Customer,
    CustomerMerge,
    CustomerPhoto,
    Lead,
    PoolEvent,
    ReferralReward,
    Tag,
    VerificationCall,
)
from qiao.knowledge.models import Article, Category, KnowledgeLink
from qiao.org.models import Department
from tests.customers.test_dedupe import stored
from tests.permissions_helpers import activity, employee, role

pytestmark = pytest.mark.django_db


def customer_type():
    return ContentType.objects.get_for_model(Customer)


def snapshot(customer: Customer) -> dict:
    """Everything that refers to a customer, as ids."""
    content_type = customer_type()
    on_target = {"target_type": content_type, "target_id": customer.pk}
    return {
        "contacts": set(Contact.all_objects.filter(customer=customer).values_list("pk", flat=True)),
        "primary": set(Contact.all_objects.filter(customer=customer, is_primary=True).values_list("pk", flat=True)),
        "photos": set(CustomerPhoto.objects.filter(customer=customer).values_list("pk", flat=True)),
        "calls": set(VerificationCall.objects.filter(customer=customer).values_list("pk", flat=True)),
        "pool": set(PoolEvent.objects.filter(customer=customer).values_list("pk", flat=True)),
        "referred": set(Lead.all_objects.filter(referred_by_customer=customer).values_list("pk", flat=True)),
        "converted": set(Lead.all_objects.filter(converted_customer=customer).values_list("pk", flat=True)),
        "rewards": set(ReferralReward.objects.filter(introducer_customer=customer).values_list("pk", flat=True)),
        "comments": set(Comment.objects.filter(**on_target).values_list("pk", flat=True)),
        "attachments": set(Attachment.objects.filter(**on_target).values_list("pk", flat=True)),
        "links": set(KnowledgeLink.objects.filter(**on_target).values_list("pk", flat=True)),
        "activities": set(
            Activity.all_objects.filter(subject_type=content_type, subject_id=customer.pk).values_list("pk", flat=True)
        ),
        "tags": set(customer.tags.values_list("pk", flat=True)),
        "related_users": set(customer.related_users.values_list("pk", flat=True)),
        "related_departments": set(customer.related_departments.values_list("pk", flat=True)),
    }


@pytest.fixture
def pair(organization, admin_user):
    """Two records of one customer, each with something of every kind."""
    survivor = stored(organization, admin_user, name="杭州西湖贸易有限公司", phone="13812345678")
    merged = stored(
        organization,
        admin_user,
        name="西湖贸易（杭州）",
        mobile="13900001111",
        email="xihu@example.cn",
        address="浙江省杭州市西湖区文三路90号",
    )
    sales = Department.objects.get(org=organization, name="销售部")
    colleague = employee(organization, sales, role(organization, "看", view="all"))
    shared_tag, own_tag = (Tag.objects.create(org=organization, name=name) for name in ("茶叶", "老客户"))
    survivor.tags.add(shared_tag)
    merged.tags.add(shared_tag, own_tag)
    merged.related_users.add(colleague)
    merged.related_departments.add(sales)
    category = Category.objects.add_root({"org": organization, "name": "销售"})
    article = Article.objects.create(org=organization, title="报价规范", category=category)
    other_article = Article.objects.create(org=organization, title="账期", category=category)
    for customer in (survivor, merged):
        Contact.objects.create(org=organization, customer=customer, name=f"{customer.pk}号联系人", is_primary=True)
        KnowledgeLink.objects.create(org=organization, target=customer, article=article, created_by=admin_user)
    Contact.objects.create(org=organization, customer=merged, name="已删联系人", deleted_at="2026-01-01T00:00:00Z")
    KnowledgeLink.objects.create(org=organization, target=merged, article=other_article, created_by=admin_user)
    CustomerPhoto.objects.create(org=organization, customer=merged, kind="storefront", image="a.jpg", thumbnail="b.jpg")
    VerificationCall.objects.create(org=organization, customer=merged, called_number="13900001111", caller=admin_user)
    PoolEvent.objects.create(org=organization, customer=merged, kind="claimed", user=admin_user)
    referred = Lead.objects.create(org=organization, owner=admin_user, name="朋友", referred_by_customer=merged)
    converted = Lead.objects.create(org=organization, owner=admin_user, name="旧线索", converted_customer=merged)
    ReferralReward.objects.create(
        org=organization,
        lead=referred,
        introducer_customer=merged,
        introducer_name="西湖贸易",
        kind="money",
        amount=200,
    )
    comment_add(actor=admin_user, target=merged, body="老板姓王，周二在店")
    attachment_add(actor=admin_user, target=merged, upload=SimpleUploadedFile("报价单.pdf", b"%PDF-1.4 quote"))
    activity(organization, owner=admin_user, subject=merged, notes="上门拜访")
    activity(organization, owner=admin_user, subject=survivor, notes="电话回访")
    del converted
    return survivor, merged


@pytest.mark.usefixtures("english")  # the change reason is translated when the history is written
def test_cus8_merge_moves_every_related_record(pair, admin_user):
    survivor, merged = pair
    before_survivor, before_merged = snapshot(survivor), snapshot(merged)
    record = customer_merge(actor=admin_user, survivor=survivor, merged=merged)
    after_survivor, after_merged = snapshot(survivor), snapshot(merged)
    for kind in (
        "contacts",
        "photos",
        "calls",
        "pool",
        "referred",
        "converted",
        "rewards",
        "comments",
        "attachments",
        "activities",
        "tags",
        "related_users",
        "related_departments",
    ):
        assert after_survivor[kind] == before_survivor[kind] | before_merged[kind], kind
    # The same article linked to both stays with the merged customer (one link per article).
    assert len(after_survivor["links"]) == 2 and len(after_merged["links"]) == 1
    assert after_survivor["primary"] == before_survivor["primary"]  # the survivor keeps its primary contact
    merged = Customer.all_objects.get(pk=merged.pk)
    assert merged.deleted_at is not None and merged.deleted_by == admin_user  # in the recycle bin
    assert not Customer.objects.filter(pk=merged.pk).exists()
    survivor.refresh_from_db()
    assert survivor.mobile == "139 0000 1111" and survivor.email == "xihu@example.cn"  # empty fields filled
    assert survivor.phone == "138 1234 5678" and survivor.name == "杭州西湖贸易有限公司"  # own values kept
    assert record.merged_by == admin_user and record.moves["filled"]["email"] == "xihu@example.cn"
    assert record.moves["kept"][0]["model"] == "knowledge.knowledgelink"
    assert "Merged 西湖贸易（杭州）" in survivor.history.first().history_change_reason


def test_cus8_undo_restores_exactly(pair, admin_user):
    survivor, merged = pair
    before = snapshot(survivor), snapshot(merged)
    survivor_fields = Customer.objects.filter(pk=survivor.pk).values("phone", "mobile", "email", "address").get()
    record = customer_merge(actor=admin_user, survivor=survivor, merged=merged)
    restored = customer_merge_undo(actor=admin_user, merge=record)
    assert restored.pk == merged.pk and Customer.objects.filter(pk=merged.pk).exists()
    assert (snapshot(survivor), snapshot(merged)) == before
    assert (
        Customer.objects.filter(pk=survivor.pk).values("phone", "mobile", "email", "address").get() == survivor_fields
    )
    record.refresh_from_db()
    assert record.undone_by == admin_user and record.undone_at is not None


def test_cus8_undo_keeps_later_changes(pair, admin_user):
    survivor, merged = pair
    record = customer_merge(actor=admin_user, survivor=survivor, merged=merged)
    Customer.objects.filter(pk=survivor.pk).update(email="new@example.cn")  # changed after the merge
    later = Contact.objects.create(org=survivor.org, customer=survivor, name="新联系人")
    customer_merge_undo(actor=admin_user, merge=record)
    survivor.refresh_from_db()
    assert survivor.email == "new@example.cn"
    assert Contact.objects.get(pk=later.pk).customer_id == survivor.pk


def test_cus8_merge_refused_for_the_same_customer(pair, admin_user):
    survivor, _merged = pair
    with pytest.raises(ValidationError) as error:
        customer_merge(actor=admin_user, survivor=survivor, merged=survivor)
    assert error.value.code == CustomerError.MERGE_SAME


def test_cus8_undo_refused_when_already_undone(pair, admin_user):
    survivor, merged = pair
    record = customer_merge(actor=admin_user, survivor=survivor, merged=merged)
    customer_merge_undo(actor=admin_user, merge=record)
    with pytest.raises(ValidationError) as error:
        customer_merge_undo(actor=admin_user, merge=record)
    assert error.value.code == CustomerError.MERGE_UNDONE


@pytest.mark.parametrize(
    ("scopes", "merged_owner", "raised"),
    [
        ({"view": "owner", "edit": "none", "delete": "none"}, "actor", PermissionDenied),  # sees both, edits neither
        ({"view": "all", "edit": "owner", "delete": "owner"}, "admin", PermissionDenied),  # cannot edit the other
        ({"view": "owner", "edit": "owner", "delete": "none"}, "actor", PermissionDenied),  # may not delete it
        ({"view": "none", "edit": "none", "delete": "none"}, "actor", Http404),  # sees nothing
    ],
)
def test_cus8_merge_refused_without_rights_changes_nothing(organization, admin_user, scopes, merged_owner, raised):
    actor = employee(organization, "销售部", role(organization, "受限", **scopes))
    survivor = stored(organization, actor, name="杭州西湖贸易有限公司")
    merged = stored(organization, actor if merged_owner == "actor" else admin_user, name="西湖贸易（杭州）")
    Contact.objects.create(org=organization, customer=merged, name="王伟")
    before = snapshot(survivor), snapshot(merged)
    with pytest.raises(raised):
        customer_merge(actor=actor, survivor=survivor, merged=merged)
    assert (snapshot(survivor), snapshot(merged)) == before
    assert Customer.objects.filter(pk=merged.pk).exists() and not CustomerMerge.objects.exists()


def test_cus8_merge_with_edit_and_delete_on_both_is_allowed(organization):
    actor = employee(organization, "销售部", role(organization, "本人", view="owner", edit="owner", delete="owner"))
    survivor = stored(organization, actor, name="杭州西湖贸易有限公司")
    merged = stored(organization, actor, name="西湖贸易（杭州）")
    customer_merge(actor=actor, survivor=survivor, merged=merged)
    assert not Customer.objects.filter(pk=merged.pk).exists()


def test_cus8_customers_with_the_longest_names_merge_and_unmerge(organization, admin_user):
    """The history's reasons name both customers: up to 200 characters each, beyond the 100 that
    simple-history's default column held (on PostgreSQL the merge failed with a server error)."""
    survivor = stored(organization, admin_user, name="杭" * 200)
    merged = stored(organization, admin_user, name="西" * 200)
    record = customer_merge(actor=admin_user, survivor=survivor, merged=merged)
    assert "西" * 200 in Customer.objects.get(pk=survivor.pk).history.first().history_change_reason
    customer_merge_undo(actor=admin_user, merge=record)


def test_cus8_undo_refused_without_rights(pair, organization, admin_user):
    survivor, merged = pair
    record = customer_merge(actor=admin_user, survivor=survivor, merged=merged)
    viewer = employee(organization, "销售部", role(organization, "只看", view="all"))
    with pytest.raises(PermissionDenied):
        customer_merge_undo(actor=viewer, merge=record)
    assert not Customer.objects.filter(pk=merged.pk).exists()


def test_cus8_later_modules_register_their_references(pair, admin_user, monkeypatch):
    """A module that adds a foreign key to customers (opportunities, contracts) registers it and its
    rows move too; without registering they would stay behind."""
    survivor, merged = pair
    call = VerificationCall.objects.get(customer=merged)
    monkeypatch.setattr(
        merge_module,
        "_references",
        [ref for ref in merge_module._references if ref.model is not VerificationCall],
    )
    record = customer_merge(actor=admin_user, survivor=survivor, merged=merged)
    assert VerificationCall.objects.get(pk=call.pk).customer_id == merged.pk
    customer_merge_undo(actor=admin_user, merge=record)
    register_customer_reference(VerificationCall, "customer")
    register_customer_reference(VerificationCall, "customer")  # registering twice changes nothing
    assert sum(ref.model is VerificationCall for ref in merge_module._references) == 1
    customer_merge(actor=admin_user, survivor=survivor, merged=Customer.objects.get(pk=merged.pk))
    assert VerificationCall.objects.get(pk=call.pk).customer_id == survivor.pk


def test_cus8_merged_customer_is_found_no_more_and_comes_back_on_undo(pair, organization, admin_user):
    from qiao.customers.dedupe import find_duplicates_as_system

    survivor, merged = pair
    record = customer_merge(actor=admin_user, survivor=survivor, merged=merged)
    assert [m.id for m in find_duplicates_as_system(org_id=organization.pk, name="杭州西湖贸易")] == [survivor.pk]
    customer_merge_undo(actor=admin_user, merge=record)
    assert {m.id for m in find_duplicates_as_system(org_id=organization.pk, name="杭州西湖贸易")} == {
        survivor.pk,
        merged.pk,
    }
