"""Export of a filtered list to .xlsx or .csv (CUS-7), for every list page (core/generic.py).

The rows come from the list's own queryset — `visible_to` and the page's filters, so an export
holds exactly what the user may see (PERM-3) — read a chunk at a time with `iterator()`, turned
into the table's cells (translated headers, choice labels, names of related records) and written
to a temporary file that stays in memory while small and moves to disk when large. Memory stays
flat however long the list; a large file is then streamed to the browser.

Cells that a spreadsheet would run as a formula (“=…”, “@…”) are written as text."""

import csv
import io
import re
import tempfile
from datetime import datetime

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header
from django_tables2.rows import BoundRow

CHUNK = 2000
IN_MEMORY_BYTES = 4 * 1024 * 1024
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FORMULA_START = ("=", "@", "+", "-", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s().-]+$")  # +86 138 …, -12.5: not a formula


def table_rows(table):
    """The header row, then one row per record of the table's (ordered) queryset, in chunks."""
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    yield [force_str(column.header) for column in columns]
    records = table.data.data
    iterator = records.iterator(chunk_size=CHUNK) if hasattr(records, "iterator") else iter(records)
    for record in iterator:
        row = BoundRow(record, table=table)
        yield [_plain(row.get_cell_value(column.name)) for column in columns]


def _plain(value):
    value = force_str(value, strings_only=True)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _defused(value):
    """Text that a spreadsheet would evaluate gets a leading apostrophe in CSV (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def write_csv(rows, output) -> None:
    text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="")  # the BOM tells Excel it is UTF-8
    writer = csv.writer(text)
    for row in rows:
        writer.writerow([_defused(value) for value in row])
    text.flush()
    text.detach()


def write_xlsx(rows, output, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet")
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str) and value.startswith(FORMULA_START):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text, never a formula
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(output)


def table_export_response(table, export_format: str, filename: str, title: str = "") -> HttpResponse:
    """The table's rows as a spreadsheet download."""
    output = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 - closed by the response
    rows = table_rows(table)
    if export_format == "csv":
        write_csv(rows, output)
    else:
        write_xlsx(rows, output, title or filename)
    size = output.tell()
    output.seek(0)
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    if size <= IN_MEMORY_BYTES:
        body = output.read()
        output.close()
        return HttpResponse(
            body, content_type=CONTENT_TYPES[export_format], headers={"Content-Disposition": disposition}
        )
    response = FileResponse(output, content_type=CONTENT_TYPES[export_format])
    response["Content-Disposition"] = disposition
    response["Content-Length"] = str(size)
    return response
