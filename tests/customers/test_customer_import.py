"""CUS-7 for customers (issue 4, acceptance 4): the wizard from upload to imported customers, every
bad row reported by row and column with nothing imported, duplicates in the file and among
existing customers (CUS-8) decided one by one, the commit creating exactly the rows with their
history (CUS-11), the owner column within the importer's edit scope (PERM-4), GBK CSV files, and
the same normalization as a customer saved through a page (prepare_customer)."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import translation

from qiao.core.imports import ImportProblem, importer_for, services
from qiao.core.models import ImportIssue, ImportJob
from qiao.customers import chinese
from qiao.customers.chinese import parse_addresses
from qiao.customers.models import Customer
from qiao.customers.services import prepare_customer
from tests.core.test_imports import csv_upload, xlsx_upload
from tests.permissions_helpers import customer, employee, role

GOOD_USCC = "91330106MA2B3C4D5" + chinese.uscc_check_character("91330106MA2B3C4D5")
HEADER = ["客户名称", "手机", "统一社会信用代码", "地址", "邮箱", "来源", "生日", "负责人"]


def checked(actor, rows, *, name="客户.xlsx", upload=None, mapping=None):
    job = services.import_job_create(actor=actor, type_code="customer", upload=upload or xlsx_upload(rows, name))
    if mapping is not None:
        job = services.import_job_map_columns(actor=actor, job=job, mapping=mapping)
    return services.import_job_check(actor=actor, job=job)


def errors_by_row(job) -> dict[int, list[tuple[str, str]]]:
    found = {}
    for issue in job.issues.filter(kind=ImportIssue.Kind.ERROR):
        found.setdefault(issue.row_number, []).append((issue.column, issue.message))
    return found


# --- the wizard through its pages --------------------------------------------------------------------


def test_cus7_upload_map_check_import_through_the_pages(client, admin_user, organization):
    rows = [
        HEADER,
        [
            "杭州西湖龙井茶叶有限公司",
            "13812345678",
            GOOD_USCC,
            "浙江省杭州市西湖区龙井路1号",
            "tea@example.cn",
            "展会",
            "",
            "",
        ],
        ["宁波四季超市", "139 0000 1111", "", "宁波市海曙区中山西路 8 号", "", "referral", "农历8月15日", ""],
    ]
    client.force_login(admin_user)
    start = client.get(reverse("customers:list"))
    assert reverse("import_start", args=["customer"]) in start.content.decode()  # the list page offers the import
    response = client.post(reverse("import_start", args=["customer"]), {"file": xlsx_upload(rows)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("import_job", args=[job.pk])
    mapping_page = client.get(response.url).content.decode()
    assert 'name="column-0"' in mapping_page and "杭州西湖龙井茶叶有限公司" in mapping_page  # samples shown
    form = {f"column-{position}": name for position, name in job.mapping.items()}
    assert form == {
        "column-0": "name",
        "column-1": "mobile",
        "column-2": "unified_social_credit_code",
        "column-3": "address",
        "column-4": "email",
        "column-5": "source",
        "column-6": "birthday",
        "column-7": "owner",
    }
    client.post(reverse("import_job_mapping", args=[job.pk]), form)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.can_commit, (job.problems, errors_by_row(job))
    preview = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "138 1234 5678" in preview and "浙江省" in preview and 'id="import-commit"' in preview
    assert not Customer.objects.exists()  # the dry run saved nothing
    client.post(reverse("import_job_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 2
    tea = Customer.objects.get(name="杭州西湖龙井茶叶有限公司")
    shop = Customer.objects.get(name="宁波四季超市")
    assert (tea.mobile, tea.unified_social_credit_code, tea.source) == ("138 1234 5678", GOOD_USCC, "trade_show")
    assert (tea.province, tea.city, tea.district) == ("浙江省", "杭州市", "西湖区") and tea.latitude is not None
    assert (shop.birthday_calendar, shop.birthday_month, shop.birthday_day) == ("lunar", 8, 15)
    assert shop.source == "referral" and shop.mobile == "139 0000 1111"
    for record in (tea, shop):
        assert record.owner == admin_user and record.owner_department == admin_user.department
        assert record.created_by == admin_user and record.version == 1
        assert record.name_pinyin and record.name_key and record.phone_digits
        history = list(record.history.all())
        assert len(history) == 1 and history[0].history_type == "+" and history[0].history_user == admin_user
        assert "客户.xlsx" in history[0].history_change_reason
    done = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert 'id="import-done"' in done and reverse("customers:list") in done


# --- bad input: every problem by row, nothing imported -----------------------------------------------


def test_cus7_bad_rows_are_each_reported_by_row_and_column_and_nothing_is_imported(admin_user, organization):
    rows = [
        HEADER,
        ["好客户有限公司", "13812345678", "", "", "", "", "", ""],
        ["坏手机", "1381234", "", "", "", "", "", ""],
        ["坏代码", "", "91330106MA2B3C4D5X", "", "", "", "", ""],
        ["坏邮箱", "", "", "", "not-an-email", "", "", ""],
        ["坏生日", "", "", "", "", "", "1980-13-45", ""],
        ["坏来源", "", "", "", "", "外星人", "", ""],
        ["坏负责人", "", "", "", "", "", "", "不存在的员工"],
        ["", "13900001111", "", "", "", "", "", ""],
        ["两处都坏", "12", "ABC", "", "", "", "", ""],
    ]
    with translation.override("en"):
        job = checked(admin_user, rows)
    assert job.status == ImportJob.Status.CHECKED and not job.can_commit
    assert (job.row_count, job.error_row_count) == (9, 8)
    found = errors_by_row(job)
    assert set(found) == {3, 4, 5, 6, 7, 8, 9, 10}  # row 2 is fine; rows as Excel numbers them
    assert found[3] == [("B · 手机", found[3][0][1])] and "“1381234” is not a valid phone number" in found[3][0][1]
    assert found[4][0][0] == "C · 统一社会信用代码" and "does not match the others" in found[4][0][1]
    assert found[5][0][0] == "E · 邮箱" and "valid email" in found[5][0][1]
    assert found[6][0][0] == "G · 生日" and "“1980-13-45” is not a date" in found[6][0][1]
    assert found[7][0][0] == "F · 来源" and "“外星人” is not one of the choices" in found[7][0][1]
    assert found[8][0][0] == "H · 负责人" and "No active employee" in found[8][0][1]
    assert found[9][0][0] == "A · 客户名称" and "required" in found[9][0][1]
    assert {column for column, _message in found[10]} == {"B · 手机", "C · 统一社会信用代码"}  # both, not the first
    with pytest.raises(ValidationError) as refused:
        services.import_job_commit(actor=admin_user, job=job)
    assert [error.code for error in refused.value.error_dict[NON_FIELD_ERRORS]] == [ImportProblem.NOT_READY]
    assert not Customer.objects.exists() and not Customer.history.exists()


def test_cus7_error_messages_are_in_the_uploaders_language_wherever_the_check_runs(admin_user):
    """The worker has no request: it writes the messages in the language of the page that uploaded."""
    with translation.override("zh-hans"):
        job = services.import_job_create(
            actor=admin_user, type_code="customer", upload=xlsx_upload([["客户名称", "邮箱"], ["甲", "not-an-email"]])
        )
    with translation.override("en"):
        job = services.import_job_check(actor=admin_user, job=job)
    assert job.language == "zh-hans"
    assert "邮件地址" in job.issues.get().message  # Django's own zh-hans message for an invalid e-mail


def test_cus7_missing_required_columns_are_listed_and_nothing_is_imported(client, admin_user):
    with translation.override("en"):
        job = checked(admin_user, [["手机", "地址"], ["13812345678", "杭州"]])
    assert [problem["code"] for problem in job.problems] == ["missing_column"]
    assert "“Name” is missing" in job.problems[0]["message"]
    assert not job.can_commit and job.error_row_count == 0  # the rows are not blamed for the column
    client.force_login(admin_user)
    page = client.get(reverse("import_job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="file-problems"' in page and 'id="import-commit"' not in page
    assert 'id="import-reupload"' in page  # fix the file and upload it again


def test_cus7_the_mapping_page_warns_about_missing_required_columns_before_the_check(client, admin_user):
    job = services.import_job_create(actor=admin_user, type_code="customer", upload=xlsx_upload([["手机"], ["1"]]))
    client.force_login(admin_user)
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert 'id="missing-columns"' in page


def test_cus7_a_wrong_file_type_is_refused_on_the_page(client, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    response = client.post(
        reverse("import_start", args=["customer"]),
        {"file": SimpleUploadedFile("客户.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200  # the page again, with the message above the upload field
    assert "is named like an Excel workbook but is not one" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_cus7_a_corrected_file_uploaded_again_keeps_the_mapping_and_imports(admin_user, organization):
    rows = [["公司", "联络手机"], ["衢州柑橘合作社", "1381234"]]
    first = checked(admin_user, rows, mapping={"0": "name", "1": "mobile"})
    assert first.error_row_count == 1
    rows[1][1] = "13812340000"
    again = services.import_job_create(actor=admin_user, type_code="customer", upload=xlsx_upload(rows))
    assert again.mapping == {"0": "name", "1": "mobile"}  # the headers were not recognised; the mapping is reused
    again = services.import_job_commit(actor=admin_user, job=services.import_job_check(actor=admin_user, job=again))
    assert again.status == ImportJob.Status.DONE
    assert Customer.objects.get().mobile == "138 1234 0000"


# --- CSV files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-8"])
def test_cus7_csv_files_from_chinese_excel_import(admin_user, encoding):
    rows = [
        ["客户名称", "电话", "地址", "规模"],
        ["绍兴黄酒专卖店", "0575-85123456", "浙江省绍兴市越城区解放北路", "中型"],
    ]
    job = checked(admin_user, rows, upload=csv_upload(rows, encoding=encoding))
    assert job.can_commit, errors_by_row(job)
    services.import_job_commit(actor=admin_user, job=job)
    record = Customer.objects.get()
    assert (record.name, record.phone, record.city, record.size) == (
        "绍兴黄酒专卖店",
        "0575 8512 3456",
        "绍兴市",
        "medium",
    )


# --- duplicates ---------------------------------------------------------------------------------------


def test_cus8_duplicates_in_the_file_and_among_existing_customers_are_skipped_unless_chosen(admin_user, organization):
    existing = customer(organization, name="苏州观前街糕团店", owner=admin_user, mobile="137 0000 1111")
    rows = [
        ["客户名称", "手机", "统一社会信用代码"],
        ["苏州观前街糕团店", "13700001111", ""],  # 2: the existing customer
        ["常州天宁五金有限公司", "", GOOD_USCC],  # 3
        ["常州天宁五金", "", GOOD_USCC],  # 4: row 3 again (same credit code)
        ["无锡太湖渔具店", "13511112222", ""],  # 5: new
    ]
    job = checked(admin_user, rows)
    assert job.can_commit and job.duplicate_row_count == 2
    duplicates = {issue.row_number: issue for issue in job.issues.filter(kind=ImportIssue.Kind.DUPLICATE)}
    assert set(duplicates) == {2, 4}
    assert duplicates[2].matches[0]["id"] == existing.pk and duplicates[2].matches[0]["name"] == existing.name
    assert duplicates[4].matches[0]["type"] == "row" and duplicates[4].matches[0]["row"] == 3
    assert all(issue.decision == "skip" for issue in duplicates.values())
    services.import_job_decide(actor=admin_user, job=job, decision="import", rows=[4])
    assert services.rows_to_import(job) == 3
    services.import_job_commit(actor=admin_user, job=job)
    job.refresh_from_db()
    assert (job.created_count, job.skipped_count) == (3, 1)
    names = sorted(Customer.objects.exclude(pk=existing.pk).values_list("name", flat=True))
    assert names == ["常州天宁五金", "常州天宁五金有限公司", "无锡太湖渔具店"]


def test_cus8_perm3_a_duplicate_the_importer_cannot_see_is_shown_without_its_data(client, organization):
    rep_role = role(organization, "代表", view="owner", edit="owner")
    rep = employee(organization, "销售部", rep_role)
    other = employee(organization, "客服部", rep_role, full_name="王五")
    hidden = customer(organization, name="扬州秘密客户有限公司", owner=other, mobile="133 3333 4444", notes="机密")
    job = checked(rep, [["客户名称", "手机"], ["扬州秘密客户有限公司", "13333334444"]])
    match = job.issues.get(kind=ImportIssue.Kind.DUPLICATE).matches[0]
    assert match["id"] is None and match["name"] == "" and "王五" in match["reasons"][0]
    client.force_login(rep)
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert reverse("customers:detail", args=[hidden.pk]) not in page and "机密" not in page


def test_cus7_decisions_through_the_page(client, admin_user, organization):
    customer(organization, name="台州海鲜排档", owner=admin_user, mobile="138 8888 9999")
    job = checked(admin_user, [["客户名称", "手机"], ["台州海鲜排档", "13888889999"], ["台州新店", "13888880000"]])
    client.force_login(admin_user)
    client.post(reverse("import_job_decide", args=[job.pk]), {"decision": "import", "row": "2"})
    assert job.issues.get(row_number=2).decision == "import"
    page = client.post(
        reverse("import_job_decide", args=[job.pk]), {"decision": "skip"}, HTTP_HX_REQUEST="true", follow=True
    )
    assert job.issues.get(row_number=2).decision == "skip" and 'id="findings"' in page.content.decode()
    assert client.post(reverse("import_job_decide", args=[job.pk]), {"decision": "maybe"}).status_code == 302
    assert job.issues.get(row_number=2).decision == "skip"


# --- the owner column and the importer's scope (PERM-4) ----------------------------------------------


def test_cus7_perm4_a_rep_cannot_import_customers_for_someone_else(organization):
    rep_role = role(organization, "代表", view="owner_department", edit="owner")
    rep = employee(organization, "销售部", rep_role, username="zhangsan", full_name="张三")
    employee(organization, "销售部", rep_role, username="lisi", full_name="李四")
    rows = [["客户名称", "负责人"], ["自己的客户", "张三"], ["别人的客户", "lisi"], ["没写负责人的客户", ""]]
    with translation.override("en"):
        job = checked(rep, rows)
    found = errors_by_row(job)
    assert set(found) == {3}
    assert found[3][0][0] == "B · 负责人" and "outside what you may edit" in found[3][0][1]
    assert not job.can_commit
    assert not Customer.objects.exists()


def test_cus7_a_manager_assigns_owners_by_username_or_full_name(organization):
    manager = employee(
        organization, "销售部", role(organization, "经理", view="related_department", edit="related_department")
    )
    rep_role = role(organization, "代表", view="owner", edit="owner")
    east = employee(organization, "华东组", rep_role, username="wangwu", full_name="王五")
    service = employee(organization, "客服部", rep_role, username="zhaoliu", full_name="赵六")
    rows = [["客户名称", "负责员工"], ["华东客户", "王五"], ["华东客户二", "WANGWU"], ["客服部的客户", "zhaoliu"]]
    job = checked(manager, rows)
    assert errors_by_row(job).keys() == {4}  # 客服部 is outside the manager's department
    rows.pop()
    job = checked(manager, rows)
    services.import_job_commit(actor=manager, job=job)
    assert set(Customer.objects.values_list("owner", "owner_department")) == {(east.pk, east.department_id)}
    assert service.pk not in Customer.objects.values_list("owner", flat=True)


def test_cus7_an_ambiguous_full_name_asks_for_the_username(admin_user, organization):
    rep_role = role(organization, "代表", view="owner", edit="owner")
    employee(organization, "销售部", rep_role, full_name="刘洋")
    employee(organization, "客服部", rep_role, full_name="刘洋")
    with translation.override("en"):
        job = checked(admin_user, [["客户名称", "负责人"], ["甲", "刘洋"]])
    assert "write the username instead" in job.issues.get().message


# --- the same normalization as a saved customer ------------------------------------------------------


ADDRESSES = [
    "浙江省杭州市西湖区文三路90号",
    "上海市浦东新区张江路 100 弄",
    "广东深圳南山科技园",
    "北京朝阳区建国路88号",
    "江苏省南京市",
    "某某路 1 号",
]


def test_cus7_batch_address_parsing_equals_what_prepare_customer_fills(admin_user):
    importer = importer_for("customer")
    batch = [Customer(org_id=admin_user.org_id, name="甲", address=address) for address in ADDRESSES]
    single = [Customer(org_id=admin_user.org_id, name="甲", address=address) for address in ADDRESSES]
    importer.prepare_batch(batch)
    for imported, saved in zip(batch, single, strict=True):
        prepare_customer(imported)
        prepare_customer(saved)
        fields = ("province", "city", "district", "street", "latitude", "longitude")
        assert [getattr(imported, f) for f in fields] == [getattr(saved, f) for f in fields], saved.address
    assert len(parse_addresses(["", "杭州"])) == 2


def test_cus7_an_imported_customer_equals_one_saved_through_the_services(admin_user, organization):
    from qiao.core.services import main_object_create

    data = {
        "name": "  温州 鹿城  眼镜店 ",
        "mobile": "13912345678",
        "phone": "0577-88886666",
        "address": "温州市鹿城区五马街",
    }
    saved = main_object_create(actor=admin_user, model=Customer, data=data)
    job = checked(
        admin_user,
        [list(data), list(data.values())],
        mapping={"0": "name", "1": "mobile", "2": "phone", "3": "address"},
    )
    services.import_job_decide(actor=admin_user, job=job, decision="import")
    services.import_job_commit(actor=admin_user, job=job)
    imported = Customer.objects.exclude(pk=saved.pk).get()
    derived = ("name", "mobile", "phone", "province", "city", "district", "street", "latitude", "longitude")
    derived += ("name_pinyin", "name_initials", "name_key", "phone_digits", "owner_id", "owner_department_id")
    assert [getattr(imported, f) for f in derived] == [getattr(saved, f) for f in derived]
