"""CUS-7, the import and export machinery every object type shares (core/imports): what files are
accepted (by content), how cells are read, the template, the column mapping, the progress of a
large file through a real Celery worker, the all-or-nothing commit, which jobs a user sees, and
the list export restricted by PERM-3 and streamed through a temporary file."""

import csv
import datetime as dt
import io
import os
import time

import openpyxl
import pytest
from celery.contrib.testing.worker import start_worker
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from qiao.core.imports import export as list_export
from qiao.core.imports import header_key, importer_for, parse_date, reading, services
from qiao.core.imports.inserting import RowInserter
from qiao.core.models import ImportJob
from qiao.customers.models import Customer
from tests.permissions_helpers import customer, employee, role

CUSTOMER_HEADER = ["客户名称", "手机", "地址"]


def xlsx_bytes(rows, *, start: str = "A1") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    first = openpyxl.utils.cell.coordinate_from_string(start)
    column, row_number = openpyxl.utils.column_index_from_string(first[0]), first[1]
    for offset, row in enumerate(rows):
        for index, value in enumerate(row):
            sheet.cell(row=row_number + offset, column=column + index, value=value)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def xlsx_upload(rows, name: str = "客户.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def csv_upload(
    rows, *, encoding: str = "utf-8-sig", name: str = "客户.csv", delimiter: str = ","
) -> SimpleUploadedFile:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding))


def identify(upload):
    return reading.identify(upload, upload.name)


# --- files: by content, not by name ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")]
)
def test_cus7_csv_in_utf8_with_or_without_bom_and_in_gbk_is_recognised(encoding, expected):
    upload = csv_upload([CUSTOMER_HEADER, ["杭州西湖茶叶有限公司", "13812345678", "杭州市西湖区"]], encoding=encoding)
    kind = identify(upload)
    assert (kind.format, kind.encoding) == ("csv", expected)


def test_cus7_semicolon_and_tab_separated_csv_are_recognised():
    assert identify(csv_upload([["名称", "手机"], ["甲", "1"]], delimiter=";")).delimiter == ";"
    assert identify(csv_upload([["名称", "手机"], ["甲", "1"]], delimiter="\t")).delimiter == "\t"


def test_cus7_an_xlsx_is_recognised_even_named_csv():
    assert identify(SimpleUploadedFile("客户.csv", xlsx_bytes([CUSTOMER_HEADER]))).format == "xlsx"


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + b"\x00" * 40
OLD_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200


def docx_bytes() -> bytes:
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return data.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("客户.xlsx", PNG, "is named like an Excel workbook but is not one"),
        ("客户.csv", PNG, "is neither an Excel workbook"),
        ("客户.pdf", b"%PDF-1.4 hello", "is neither an Excel workbook"),
        ("客户.xls", OLD_XLS, "is neither an Excel workbook"),
        ("客户.xlsx", OLD_XLS, "old Excel 97–2003 workbook"),
        ("客户.xlsx", docx_bytes(), "is neither an Excel workbook"),
        ("客户.txt", "名称\n甲\n".encode(), "is neither an Excel workbook"),
        ("客户.csv", b"", "is empty"),
    ],
)
def test_cus7_other_file_types_are_refused_by_content_with_a_clear_message(name, content, says):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        identify(SimpleUploadedFile(name, content))
    message = " ".join(refused.value.message_dict["file"])
    assert says in message and name in message


def test_cus7_a_refused_upload_keeps_no_file_and_no_job(admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(ValidationError):
        services.import_job_create(
            actor=admin_user, type_code="customer", upload=SimpleUploadedFile("客户.xlsx", b"PK\x03\x04broken")
        )
    assert not ImportJob.objects.exists()
    assert not list((tmp_path / "media").rglob("*.xlsx"))


# --- reading cells -----------------------------------------------------------------------------------


def test_cus7_workbook_rows_keep_the_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                ["名称", "手机", "生日"],
                ["甲", 13812345678, dt.date(1980, 5, 12)],
                [None, None, None],
                ["乙", "0571", None],
            ],
            start="B2",
        )
    )
    rows = [
        (number, [reading.cell_text(value) for value in values])
        for number, values in reading.read_rows(str(path), reading.FileKind("xlsx"))
    ]
    rows = [(number, values[: values.index("名称") + 3] if "名称" in values else values) for number, values in rows]
    assert [number for number, _values in rows] == [2, 3, 5]
    assert [values[-3:] for _number, values in rows] == [
        ["名称", "手机", "生日"],
        ["甲", "13812345678", "1980-05-12"],
        ["乙", "0571", ""],
    ]


def test_cus7_the_row_estimate_counts_rows_of_a_workbook_that_records_no_size(tmp_path):
    """A workbook written as a stream records no size (its dimension says A1): the estimate that
    decides worker or not, parts and the progress bar must count the rows all the same."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["名称", "手机"])
    for number in range(1, 1201):
        sheet.append([f"门店{number}", f"1381234{number:04d}"])
    path = tmp_path / "stream.xlsx"
    workbook.save(path)
    assert openpyxl.load_workbook(path, read_only=True).active.max_row in (None, 1)  # no size recorded
    assert reading.estimate_rows(str(path), reading.FileKind("xlsx")) == 1200
    path.write_bytes(xlsx_bytes([["名称"], ["甲"], ["乙"]], start="C3"))
    assert reading.estimate_rows(str(path), reading.FileKind("xlsx")) == 2


def test_cus7_cell_text_reads_cells_as_people_see_them():
    assert reading.cell_text(13812345678.0) == "13812345678"
    assert reading.cell_text(1234.5) == "1234.5"
    assert reading.cell_text(dt.datetime(2024, 5, 12)) == "2024-05-12"
    assert reading.cell_text("  杭州  ") == "杭州"
    assert reading.cell_text(None) == ""


def test_cus7_headers_compare_without_case_width_spaces_or_required_star():
    assert header_key("客户名称 *") == header_key("客户名称") == header_key("客户名称（必填）")
    assert header_key("ＥＭＡＩＬ") == header_key("e mail".replace(" ", "")) == "email"


@pytest.mark.parametrize(
    "text", ["2024-05-12", "2024/5/12", "2024.5.12", "2024年5月12日", "20240512", " 2024 - 05 - 12 "]
)
def test_cus7_dates_in_the_ways_people_write_them(text):
    assert parse_date(text, text) == dt.date(2024, 5, 12)


@pytest.mark.parametrize("text", ["2024-13-45", "明天", "12/05", "2024-02-30"])
def test_cus7_a_malformed_date_is_named_in_the_message(text):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        parse_date(text, text)
    assert f"“{text}” is not a date" in refused.value.messages[0]


# --- the template ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "name_header", "sheet"), [("en", "Name*", "Instructions")])
def test_cus7_template_has_headers_an_example_row_and_an_instructions_sheet(
    client, admin_user, language, name_header, sheet
):
    client.force_login(admin_user)
    response = client.get(reverse("import_template", args=["customer"]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data = workbook.worksheets[0]
    headers = [cell.value for cell in data[1]]
    assert headers[0] == name_header and "Mobile" in headers and "Owner" in headers
    assert data["A2"].value == "杭州西湖龙井茶叶有限公司"
    instructions = workbook[sheet]
    described = {row[0].value: row for row in instructions.iter_rows(min_row=2) if row[0].value}
    assert "Trade show — trade_show" in described["Source"][3].value  # every choice: label — code
    assert described["Name"][1].value == "yes"
    assert data.data_validations.dataValidation  # drop-down lists on the choice columns


def test_cus7_the_template_itself_imports_nothing_its_example_row_is_skipped(client, admin_user):
    client.force_login(admin_user)
    template = client.get(reverse("import_template", args=["customer"])).content
    job = services.import_job_create(
        actor=admin_user, type_code="customer", upload=SimpleUploadedFile("模板.xlsx", template)
    )
    assert len(job.mapping) == len(importer_for("customer").fields)  # every column matched by its header
    job = services.import_job_check(actor=admin_user, job=job)
    assert job.row_count == 0 and [p["code"] for p in job.problems] == ["no_data"]


# --- mapping -----------------------------------------------------------------------------------------


def test_cus7_columns_are_matched_by_chinese_or_english_headers():
    importer = importer_for("customer")
    mapping = importer.guess_mapping(
        ["客户名称", "Mobile", "统一社会信用代码", "E-mail", "负责人", "不认识的列", "手机"]
    )
    assert mapping == {
        "0": "name",
        "1": "mobile",
        "2": "unified_social_credit_code",
        "3": "email",
        "4": "owner",
    }  # the unknown column is left out; the second column naming "mobile" too is not matched again


def test_cus7_a_field_chosen_for_two_columns_is_refused(admin_user):
    job = services.import_job_create(
        actor=admin_user, type_code="customer", upload=xlsx_upload([["名称", "公司"], ["甲", "乙"]])
    )
    with pytest.raises(ValidationError) as refused:
        services.import_job_map_columns(actor=admin_user, job=job, mapping={"0": "name", "1": "name"})
    assert "more than one column" in str(refused.value) or "多" in str(refused.value)


# --- who may import, and whose jobs ------------------------------------------------------------------


def test_cus7_without_the_add_permission_nobody_imports(client, organization):
    viewing = role(organization, "只看", view="all")
    viewing.permissions = ["customer.view"]
    viewing.save()
    viewer = employee(organization, "销售部", viewing)
    client.force_login(viewer)
    assert client.get(reverse("import_start", args=["customer"])).status_code == 403
    assert client.get(reverse("import_template", args=["customer"])).status_code == 403
    response = client.post(reverse("import_start", args=["customer"]), {"file": xlsx_upload([CUSTOMER_HEADER])})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.import_job_create(actor=viewer, type_code="customer", upload=xlsx_upload([CUSTOMER_HEADER]))
    assert not ImportJob.objects.exists()


def test_cus7_an_unknown_type_has_no_import(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("import_start", args=["nothing"])).status_code == 404


def test_cus7_a_job_is_seen_by_its_uploader_only(client, admin_user, organization):
    job = services.import_job_create(
        actor=admin_user, type_code="customer", upload=xlsx_upload([CUSTOMER_HEADER, ["甲公司", "13812345678", ""]])
    )
    colleague = employee(organization, "销售部", role(organization, "全部", view="all", edit="all", delete="all"))
    client.force_login(colleague)
    for name in ("import_job", "import_job_progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    for name in ("import_job_mapping", "import_job_recheck", "import_job_decide", "import_job_commit"):
        assert client.post(reverse(name, args=[job.pk]), {"decision": "import"}).status_code == 404
    assert "甲公司" not in client.get(reverse("import_start", args=["customer"])).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPING


# --- a large file through the worker, with progress --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_cus7_a_large_file_is_checked_and_imported_by_the_worker_with_progress(
    client, tmp_path, celery_conf, monkeypatch, settings
):
    """The page polls the job while a real Celery worker (the embedded broker) checks the file,
    then imports it; the progress view answers with numbers while it runs and reloads the page
    when it is done."""
    from tests.factories import OrganizationFactory

    organization = OrganizationFactory()
    admin = organization.employees.get(username__startswith="admin")
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = str(tmp_path / "broker")
    os.makedirs(folder)
    celery_conf(
        broker_transport_options={"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder}
    )
    monkeypatch.setattr(services.running, "INLINE_ROWS", 10)
    monkeypatch.setattr(services.running, "PART_MIN_ROWS", 20)
    monkeypatch.setattr(services.running, "CHECK_PARTS", 3)  # three ranges of 40 rows, joined by a chord
    monkeypatch.setattr(importer_for("customer"), "batch_size", 20)
    rows = [CUSTOMER_HEADER] + [
        [f"宁波第{n}号超市有限公司", f"1390000{n:04d}", "浙江省宁波市海曙区"] for n in range(120)
    ]
    rows[110] = [
        "宁波第3号超市有限公司",
        "13900000003",
        "浙江省宁波市海曙区",
    ]  # row 111 repeats row 5, two ranges apart
    client.force_login(admin)
    response = client.post(reverse("import_start", args=["customer"]), {"file": xlsx_upload(rows)})
    job = ImportJob.objects.get()
    assert response.url == reverse("import_job", args=[job.pk])

    from qiao.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        client.post(
            reverse("import_job_mapping", args=[job.pk]),
            {"column-0": "name", "column-1": "mobile", "column-2": "address"},
        )
        job.refresh_from_db()
        assert job.status in (ImportJob.Status.CHECKING, ImportJob.Status.CHECKED)
        page = client.get(reverse("import_job", args=[job.pk])).content.decode()
        if job.status == ImportJob.Status.CHECKING:
            assert 'id="import-progress"' in page and 'hx-trigger="every 1s"' in page
        seen = wait_for(client, job, ImportJob.Status.CHECKED)
        job.refresh_from_db()
        assert (job.row_count, job.error_row_count, job.duplicate_row_count) == (120, 0, 1)
        duplicate = job.issues.get(kind="duplicate")
        assert duplicate.row_number == 111 and duplicate.matches[0] == {**duplicate.matches[0], "type": "row", "row": 5}
        assert [row["row"] for row in job.preview["rows"]] == list(range(2, 12))
        assert seen[-1] == "reload"
        client.post(reverse("import_job_commit", args=[job.pk]))
        wait_for(client, job, ImportJob.Status.DONE)
    job.refresh_from_db()
    assert job.created_count == 119 and Customer.objects.filter(org=organization).count() == 119
    names = list(Customer.objects.filter(org=organization).order_by("pk").values_list("name", flat=True))
    assert names[:3] == ["宁波第0号超市有限公司", "宁波第1号超市有限公司", "宁波第2号超市有限公司"]  # in file order
    assert job.task_id


def test_cus7_a_large_file_is_cut_into_ranges_of_rows():
    assert services.part_ranges(5_000) == [(0, None)]
    assert services.part_ranges(100_000) == [(0, 50_000), (50_000, None)]


def wait_for(client, job, status) -> list[str]:
    """Polls the progress view like the page does; returns what it saw ("42%" while running,
    "reload" once done)."""
    seen = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        response = client.get(reverse("import_job_progress", args=[job.pk]))
        assert response.status_code == 200
        if response.get("HX-Refresh") == "true":
            seen.append("reload")
            job.refresh_from_db()
            assert job.status == status, job.failure
            return seen
        seen.append(response.content.decode())
        time.sleep(0.3)
    raise AssertionError(f"the job never reached {status}")


# --- the commit is all or nothing --------------------------------------------------------------------


def uploaded_in_english(actor, rows) -> ImportJob:
    """A job uploaded from an English page: the commit, wherever it runs, writes its failure in the
    language stored on the job, not in the language active when it runs."""
    with translation.override("en"):
        job = services.import_job_create(actor=actor, type_code="customer", upload=xlsx_upload(rows))
    assert job.language == "en"
    return job


def test_cus7_when_the_scope_shrinks_before_the_commit_nothing_is_imported(organization):
    """Core services' re-check: a record that would end outside its importer's edit scope stops
    the whole commit, also when it is found only after earlier batches were inserted."""
    rep_role = role(organization, "代表", view="owner", edit="owner")
    rep = employee(organization, "销售部", rep_role)
    rows = [CUSTOMER_HEADER] + [[f"温州第{n}号五金店", f"1370000{n:04d}", ""] for n in range(5)]
    job = services.import_job_check(actor=rep, job=uploaded_in_english(rep, rows))
    assert job.can_commit
    rep_role.data_scopes["customer"]["edit"] = "none"
    rep_role.save()
    job = services.import_job_commit(actor=type(rep).objects.get(pk=rep.pk), job=job)
    assert job.status == ImportJob.Status.FAILED and "outside what you may edit" in job.failure
    assert not Customer.objects.filter(org=organization).exists()
    assert not Customer.history.filter(org_id=organization.pk).exists()


def test_cus7_records_saved_since_the_check_that_match_rows_stop_the_commit(admin_user, organization):
    rows = [CUSTOMER_HEADER, ["嘉兴南湖菱角有限公司", "13611112222", ""], ["嘉兴秀洲粮油店", "13611113333", ""]]
    job = services.import_job_check(actor=admin_user, job=uploaded_in_english(admin_user, rows))
    assert job.can_commit and job.duplicate_row_count == 0
    customer(organization, name="嘉兴南湖菱角有限公司", owner=admin_user, mobile="136 1111 2222")
    job = services.import_job_commit(actor=admin_user, job=job)
    assert job.status == ImportJob.Status.FAILED and "rows 2 of this file" in job.failure
    assert Customer.objects.filter(org=organization).count() == 1
    job = services.import_job_check(actor=admin_user, job=job)  # checked again, the match is a duplicate now
    assert job.duplicate_row_count == 1


def test_cus7_an_unexpected_error_in_the_commit_leaves_nothing_behind(admin_user, organization, monkeypatch):
    rows = [CUSTOMER_HEADER] + [[f"湖州第{n}号茶庄", f"1350000{n:04d}", ""] for n in range(30)]
    monkeypatch.setattr(importer_for("customer"), "batch_size", 10)
    job = services.import_job_check(actor=admin_user, job=uploaded_in_english(admin_user, rows))
    calls = []
    original = RowInserter.insert

    def fail_on_the_third_batch(self, rows):
        calls.append(len(rows))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(self, rows)

    monkeypatch.setattr(RowInserter, "insert", fail_on_the_third_batch)
    job = services.import_job_commit(actor=admin_user, job=job)
    assert calls == [10, 10, 10]
    assert job.status == ImportJob.Status.FAILED and "Nothing was imported" in job.failure
    assert not Customer.objects.filter(org=organization).exists()


# --- export of a filtered list (PERM-3) --------------------------------------------------------------


@pytest.fixture
def export_world(organization):
    rep_role = role(organization, "代表", view="owner", edit="owner")
    rep = employee(organization, "销售部", rep_role)
    other = employee(organization, "客服部", rep_role)
    mine = customer(organization, name="我的客户-杭州", owner=rep, size="large", phone="0571 8888 6666")
    hidden = [customer(organization, name=f"别人的客户{n}", owner=other, size="small") for n in range(3)]
    return rep, mine, hidden


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_cus7_perm3_an_export_holds_none_of_the_records_the_user_cannot_see(client, export_world, export_format):
    rep, mine, hidden = export_world
    client.force_login(rep)
    response = client.get(reverse("customers:list"), {"export": export_format})
    assert response.status_code == 200
    text = export_text(response, export_format)
    assert mine.name in text
    for record in hidden:
        assert record.name not in text
    assert "别人的客户" not in text


def export_text(response, export_format: str) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "csv":
        return body.decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return "\n".join(
        "\t".join("" if cell.value is None else str(cell.value) for cell in row) for row in sheet.iter_rows()
    )


def test_cus7_export_has_translated_headers_and_labels_and_a_bom_for_excel(client, export_world):
    rep, mine, _hidden = export_world
    client.force_login(rep)
    response = client.get(reverse("customers:list"), {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "Name" in rows[0] and "Owner" in rows[0]
    assert any(mine.name in row for row in rows[1:])


def test_cus7_a_long_export_is_streamed_from_a_temporary_file_and_complete(
    client, admin_user, organization, monkeypatch
):
    monkeypatch.setattr(list_export, "IN_MEMORY_BYTES", 2048)
    monkeypatch.setattr(list_export, "CHUNK", 7)
    for n in range(60):
        customer(organization, name=f'=HYPERLINK("http://evil")第{n}号', owner=admin_user)
    client.force_login(admin_user)
    for export_format in ("xlsx", "csv"):
        response = client.get(reverse("customers:list"), {"export": export_format})
        assert response.streaming, export_format
        text = export_text(response, export_format)
        assert all(f"第{n}号" in text for n in range(60))
    csv_text = export_text(client.get(reverse("customers:list"), {"export": "csv"}), "csv")
    assert "'=HYPERLINK" in csv_text  # never a live formula in Excel
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(reverse("customers:list"), {"export": "xlsx"}).streaming_content))
    )
    values = [cell for row in workbook.active.iter_rows() for cell in row if "HYPERLINK" in str(cell.value)]
    assert values and all(cell.data_type == "s" for cell in values)


def test_perm2_the_owner_column_is_the_seeds_负责员工_and_older_files_say_负责人():
    """The seed names the owner relation 负责员工 (PERM-2); the template's header says so, and
    files made from the earlier template, whose header was 负责人, are still matched."""
    importer = importer_for("customer")
    with translation.override("zh-hans"):
        owner_header = importer.header(next(field for field in importer.fields if field.name == "owner"))
    assert owner_header == "负责员工"
    assert importer.guess_mapping(["负责员工"]) == {"0": "owner"}
    assert importer.guess_mapping(["负责人"]) == {"0": "owner"}
