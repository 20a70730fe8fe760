"""PERM-3, PERM-4, PERM-6, PERM-7, PERM-11, PERM-12, NFR-2 through the API and the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qiao.activities.models import Activity
from qiao.core import attachments, comments, recycle_bin, teams
from qiao.core.errors import CoreError
from qiao.core.forms import error_codes
from qiao.core.models import Attachment, Comment, ProcessStage
from qiao.customers.models import Customer
from tests.conftest import api_client_for
from tests.factories import OrganizationFactory
from tests.permissions_helpers import activity, customer, employee, role


@pytest.fixture
def org(db):
    return OrganizationFactory()


@pytest.fixture
def people(org):
    """owner (销售部, edits own), teammate (销售部, views the department, edits own),
    outsider (客服部, own data only), deleter (销售部: views the department, may delete, may not edit)."""
    rep = role(org, "销售代表", view="owner_department", edit="owner", delete="owner")
    deleter_role = role(org, "只删", view="owner_department", edit="none", delete="owner_department")
    intern = role(org, "实习生", view="owner", edit="owner", delete="none")
    return {
        "owner": employee(org, "销售部", rep),
        "teammate": employee(org, "销售部", rep),
        "outsider": employee(org, "客服部", intern),
        "deleter": employee(org, "销售部", deleter_role),
    }


@pytest.fixture
def record(org, people):
    return customer(org, name="华东超市", owner=people["owner"])


class TestPerm3ListEqualsDetail:
    def test_perm3_list_and_detail_agree_and_invisible_is_404(self, people, record):
        for name, expect_visible in [("owner", True), ("teammate", True), ("outsider", False)]:
            api = api_client_for(people[name])
            listed = {row["id"] for row in api.get("/api/v1/customers/").json()["results"]}
            detail = api.get(f"/api/v1/customers/{record.pk}/")
            assert (record.pk in listed) is expect_visible, name
            assert detail.status_code == (200 if expect_visible else 404), name

    def test_perm3_invisible_records_leave_no_trace_in_counts_or_search(self, people, record):
        body = api_client_for(people["outsider"]).get("/api/v1/customers/?search=华东").json()
        assert body["count"] == 0 and body["results"] == []

    def test_perm4_visible_but_not_editable_is_403_and_nothing_changes(self, people, record):
        api = api_client_for(people["teammate"])
        assert api.patch(f"/api/v1/customers/{record.pk}/", {"name": "改名"}).status_code == 403
        assert api.delete(f"/api/v1/customers/{record.pk}/").status_code == 403
        assert (
            api_client_for(people["outsider"]).patch(f"/api/v1/customers/{record.pk}/", {"name": "x"}).status_code
            == 404
        )
        record.refresh_from_db()
        assert record.name == "华东超市" and record.deleted_at is None


class TestEditingOutOfOwnScope:
    """Acceptance 4: moving a record's owner or department out of one's own edit scope is refused
    and rolled back."""

    def test_giving_the_record_away_is_refused_and_rolled_back(self, people, record):
        api = api_client_for(people["owner"])
        response = api.patch(f"/api/v1/customers/{record.pk}/", {"owner": people["outsider"].pk, "name": "新名字"})
        assert response.status_code == 400
        record.refresh_from_db()
        assert record.owner == people["owner"] and record.name == "华东超市" and record.version == 1

    def test_a_department_editor_cannot_push_a_record_out_of_the_department(self, org, people, record):
        manager = employee(org, "销售部", role(org, "经理", view="owner_department", edit="owner_department"))
        elsewhere = _department(org, "客服部")
        response = api_client_for(manager).patch(f"/api/v1/customers/{record.pk}/", {"owner_department": elsewhere.pk})
        assert response.status_code == 400
        record.refresh_from_db()
        assert record.owner_department.name == "销售部"


def _department(org, name):
    from qiao.org.models import Department

    return Department.objects.get(org=org, name=name)


class TestOptimisticLocking:
    def test_nfr2_a_stale_version_gets_409_and_does_not_overwrite(self, people, record):
        api = api_client_for(people["owner"])
        first = api.patch(f"/api/v1/customers/{record.pk}/", {"name": "第一次", "version": 1})
        assert first.status_code == 200 and first.json()["version"] == 2
        second = api.patch(f"/api/v1/customers/{record.pk}/", {"name": "第二次", "version": 1})
        assert second.status_code == 409
        record.refresh_from_db()
        assert record.name == "第一次"


class TestPerm6Comments:
    def test_perm6_viewers_read_and_add(self, people, record):
        comment = comments.comment_add(actor=people["teammate"], target=record, body="跟进中")
        api = api_client_for(people["owner"])
        listed = api.get(f"/api/v1/comments/?target_type=customer&target_id={record.pk}").json()["results"]
        assert [row["body"] for row in listed] == ["跟进中"]
        assert api_client_for(people["outsider"]).get(f"/api/v1/comments/{comment.pk}/").status_code == 404
        response = api_client_for(people["outsider"]).post(
            "/api/v1/comments/", {"target_type": "customer", "target_id": record.pk, "body": "x"}
        )
        assert response.status_code == 400 and "target_id" in response.json()

    def test_perm6_only_authors_edit_and_delete_their_own(self, org, people, record):
        comment = comments.comment_add(actor=people["teammate"], target=record, body="原文")
        third = employee(org, "销售部", people["teammate"].roles.first())
        with pytest.raises(PermissionDenied):
            comments.comment_edit(actor=third, comment=comment, body="改")
        with pytest.raises(PermissionDenied):
            comments.comment_delete(actor=third, comment=comment)
        comments.comment_edit(actor=people["teammate"], comment=comment, body="改好了")
        assert Comment.objects.get(pk=comment.pk).body == "改好了"

    def test_perm6_the_owner_deletes_but_does_not_edit_others_comments(self, people, record):
        comment = comments.comment_add(actor=people["teammate"], target=record, body="原文")
        with pytest.raises(PermissionDenied):
            comments.comment_edit(actor=people["owner"], comment=comment, body="篡改")
        comments.comment_delete(actor=people["owner"], comment=comment)
        assert not Comment.objects.filter(pk=comment.pk).exists()


def upload(name="报价单.pdf", content=b"%PDF-1.4 test"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class TestPerm7Attachments:
    def test_perm7_only_editors_add(self, people, record):
        with pytest.raises(PermissionDenied):
            attachments.attachment_add(actor=people["teammate"], target=record, upload=upload())
        attachment = attachments.attachment_add(actor=people["owner"], target=record, upload=upload())
        assert attachment.name == "报价单.pdf" and "报价单" not in attachment.file.name

    def test_perm7_delete_permission_without_edit_does_not_delete_attachments(self, people, record):
        attachment = attachments.attachment_add(actor=people["owner"], target=record, upload=upload())
        assert record.owner_department == people["deleter"].department
        with pytest.raises(PermissionDenied):
            attachments.attachment_delete(actor=people["deleter"], attachment=attachment)
        assert Attachment.objects.filter(pk=attachment.pk).exists()

    def test_perm7_locked_cannot_be_deleted_and_only_owner_or_locker_unlocks(self, org, people, record):
        editor = employee(org, "销售部", role(org, "部门编辑", view="owner_department", edit="owner_department"))
        attachment = attachments.attachment_add(actor=people["owner"], target=record, upload=upload())
        attachments.attachment_lock(actor=editor, attachment=attachment)
        with pytest.raises(ValidationError):
            attachments.attachment_delete(actor=people["owner"], attachment=attachment)
        other_editor = employee(org, "销售部", editor.roles.first())
        with pytest.raises(PermissionDenied):
            attachments.attachment_unlock(actor=other_editor, attachment=attachment)
        attachments.attachment_unlock(actor=people["owner"], attachment=attachment)  # the owner may
        attachments.attachment_lock(actor=editor, attachment=attachment)
        attachments.attachment_unlock(actor=editor, attachment=attachment)  # and so may the locker
        attachments.attachment_delete(actor=editor, attachment=attachment)

    def test_perm7_viewers_download_through_the_permission_check(self, people, record):
        attachment = attachments.attachment_add(actor=people["owner"], target=record, upload=upload())
        url = f"/api/v1/attachments/{attachment.pk}/download/"
        response = api_client_for(people["teammate"]).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
        assert api_client_for(people["outsider"]).get(url).status_code == 404

    def test_perm7_lock_and_unlock_endpoints(self, people, record):
        attachment = attachments.attachment_add(actor=people["owner"], target=record, upload=upload())
        api = api_client_for(people["owner"])
        locked = api.post(f"/api/v1/attachments/{attachment.pk}/lock/").json()
        assert locked["locked"] is True and locked["locked_by"] == people["owner"].pk
        assert api.delete(f"/api/v1/attachments/{attachment.pk}/").status_code == 400
        assert (
            api_client_for(people["teammate"]).post(f"/api/v1/attachments/{attachment.pk}/unlock/").status_code == 403
        )
        assert api.post(f"/api/v1/attachments/{attachment.pk}/unlock/").json()["locked"] is False

    @pytest.mark.parametrize("name", ["virus.exe", "page.html", "noextension"])
    def test_nfr5_dangerous_file_types_are_refused(self, people, record, name):
        response = api_client_for(people["owner"]).post(
            "/api/v1/attachments/",
            {"target_type": "customer", "target_id": record.pk, "file": upload(name)},
            format="multipart",
        )
        assert response.status_code == 400 and "file" in response.json()
        assert not Attachment.objects.exists()


class TestPerm11RecycleBin:
    def test_perm11_delete_moves_to_the_bin_invisible_everywhere_else(self, people, record):
        api = api_client_for(people["owner"])
        comments.comment_add(actor=people["owner"], target=record, body="留言")
        assert api.delete(f"/api/v1/customers/{record.pk}/").status_code == 204
        assert api.get(f"/api/v1/customers/{record.pk}/").status_code == 404
        assert api.get("/api/v1/comments/").json()["count"] == 0
        assert [row["id"] for row in api.get("/api/v1/recycle-bin/").json()["results"]] == [f"customer:{record.pk}"]
        assert api_client_for(people["teammate"]).get("/api/v1/recycle-bin/").json()["count"] == 0

    def test_perm11_restore_brings_everything_back(self, people, record):
        comments.comment_add(actor=people["owner"], target=record, body="留言")
        attachment = attachments.attachment_add(actor=people["owner"], target=record, upload=upload())
        api = api_client_for(people["owner"])
        api.delete(f"/api/v1/customers/{record.pk}/")
        assert api.post(f"/api/v1/recycle-bin/customer:{record.pk}/restore/").status_code == 200
        assert api.get(f"/api/v1/customers/{record.pk}/").status_code == 200
        assert api.get("/api/v1/comments/").json()["count"] == 1
        assert api.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 200

    def test_perm11_purge_removes_comments_attachments_and_files_keeps_activities(self, org, people, record):
        comments.comment_add(actor=people["owner"], target=record, body="留言")
        attachment = attachments.attachment_add(actor=people["owner"], target=record, upload=upload())
        storage, stored_name = attachment.file.storage, attachment.file.name
        about = activity(org, owner=people["owner"], subject=record, notes="拜访")
        api = api_client_for(people["owner"])
        api.delete(f"/api/v1/customers/{record.pk}/")
        with self.captured_commits():
            assert api.delete(f"/api/v1/recycle-bin/customer:{record.pk}/").status_code == 204
        assert not Customer.all_objects.filter(pk=record.pk).exists()
        assert not Comment.objects.exists() and not Attachment.objects.exists()
        assert not storage.exists(stored_name)
        about.refresh_from_db()
        assert about.subject_id is None and Activity.objects.filter(pk=about.pk).exists()

    def test_perm11_only_who_could_delete_restores_or_purges(self, people, record):
        recycle_bin_entry = f"customer:{record.pk}"
        api_client_for(people["owner"]).delete(f"/api/v1/customers/{record.pk}/")
        teammate = api_client_for(people["teammate"])
        assert teammate.post(f"/api/v1/recycle-bin/{recycle_bin_entry}/restore/").status_code == 404
        assert teammate.delete(f"/api/v1/recycle-bin/{recycle_bin_entry}/").status_code == 404
        assert Customer.all_objects.filter(pk=record.pk).exists()

    @staticmethod
    def captured_commits():
        from django.test import TestCase

        return TestCase.captureOnCommitCallbacks(execute=True)


class TestPerm12BusinessRoles:
    @pytest.fixture
    def stages(self, org):
        for position, (name, business_role) in enumerate(
            [("需求了解", ""), ("方案提供", "售前工程师"), ("报价", ""), ("谈判", "商务")]
        ):
            ProcessStage.objects.create(
                org=org, process="sales", name=name, position=position, business_role=business_role
            )

    def test_perm12_a_role_puts_the_member_on_that_roles_stages(self, org, people, record, stages):
        engineer = employee(org, "客服部")
        member = teams.team_member_add(
            actor=people["owner"], target=record, user=engineer, process="sales", business_role="售前工程师"
        )
        assert [stage.name for stage in member.stages.all()] == ["方案提供"]

    def test_perm12_no_role_puts_the_member_on_the_stages_without_a_role(self, org, people, record, stages):
        member = teams.team_member_add(actor=people["owner"], target=record, user=people["teammate"], process="sales")
        assert [stage.name for stage in member.stages.order_by("position")] == ["需求了解", "报价"]

    def test_perm12_refused_with_a_clear_message_when_every_stage_has_a_role(self, org, people, record):
        for position, name in enumerate(["方案", "谈判"]):
            ProcessStage.objects.create(org=org, process="sales", name=name, position=position, business_role="专家")
        with pytest.raises(ValidationError) as error:
            teams.team_member_add(actor=people["owner"], target=record, user=people["teammate"], process="sales")
        assert "business_role" in error.value.message_dict
        assert error_codes(error.value) == {CoreError.NO_STAGE_FOR_MEMBER}
        assert people["teammate"].full_name in error.value.message_dict["business_role"][0]

    def test_perm12_only_editors_change_the_team(self, org, people, record, stages):
        with pytest.raises(PermissionDenied):
            teams.team_member_add(actor=people["teammate"], target=record, user=people["teammate"], process="sales")


def test_recycle_bin_entries_list_what_the_user_could_delete(people, record):
    from qiao.core.services import main_object_delete

    main_object_delete(actor=people["owner"], obj=record)
    assert recycle_bin.entries(people["owner"]) == [Customer.all_objects.get(pk=record.pk)]
    assert recycle_bin.entries(people["outsider"]) == []
