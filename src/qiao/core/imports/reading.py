"""Reading the spreadsheets people upload (CUS-7): Excel workbooks (.xlsx) and CSV files in
UTF-8 (with or without the byte-order mark Excel writes) or GB18030 — what Chinese Excel saves
as “CSV (逗号分隔)”. The kind of file is decided by its content, never by its name alone.

Workbooks are read with python-calamine (a Rust reader, about ten times faster than openpyxl's
read-only mode on large sheets, see docs/import-export.md), row by row: a 100,000-row sheet is
never held as Python objects at once."""

import codecs
import contextlib
import csv
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from .problems import ImportProblem

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
ACCEPTED_SUFFIXES = {".xlsx", ".csv"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312


@dataclass(frozen=True)
class FileKind:
    format: str  # "xlsx" or "csv"
    encoding: str = ""  # for CSV: "utf-8-sig" or "gb18030"
    delimiter: str = ","


def refuse(message: str, code: str = ImportProblem.FILE_TYPE) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def _not_a_spreadsheet(name: str) -> ValidationError:
    return refuse(
        _(
            "“%(name)s” is neither an Excel workbook (.xlsx) nor a CSV file. In Excel choose “Save as” → "
            "“Excel Workbook (*.xlsx)” or “CSV UTF-8 (*.csv)” and upload that file."
        )
        % {"name": name}
    )


def identify(upload, name: str) -> FileKind:
    """What the uploaded file is, from its bytes: an .xlsx workbook (a ZIP holding xl/workbook.xml)
    or CSV text in UTF-8 or GB18030. Anything else is refused with a message saying what to do."""
    suffix = PurePath(name).suffix.lower()
    size = getattr(upload, "size", None)
    if size == 0:
        raise refuse(_("“%(name)s” is empty.") % {"name": name}, ImportProblem.FILE_EMPTY)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise refuse(
            _("“%(name)s” is larger than %(limit)d MB. Split it into smaller files.")
            % {"name": name, "limit": MAX_UPLOAD_BYTES // 1024 // 1024},
            ImportProblem.FILE_TOO_LARGE,
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not head:
        raise refuse(_("“%(name)s” is empty.") % {"name": name}, ImportProblem.FILE_EMPTY)
    if suffix not in ACCEPTED_SUFFIXES:
        raise _not_a_spreadsheet(name)
    if head.startswith(b"PK\x03\x04"):
        if _is_xlsx(upload):
            return FileKind("xlsx")
        raise _not_a_spreadsheet(name)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise refuse(
            _(
                "“%(name)s” is an old Excel 97–2003 workbook. Open it in Excel, choose “Save as” → "
                "“Excel Workbook (*.xlsx)” and upload the new file."
            )
            % {"name": name}
        )
    if suffix != ".csv":
        raise refuse(
            _("“%(name)s” is named like an Excel workbook but is not one. Save it again from Excel as .xlsx.")
            % {"name": name}
        )
    encoding = _text_encoding(upload)
    if encoding is None:
        raise _not_a_spreadsheet(name)
    sample = head.decode(encoding, errors="ignore")
    return FileKind("csv", encoding, _delimiter(sample))


def _is_xlsx(upload) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "xl/workbook.xml" in names and "[Content_Types].xml" in names


def _text_encoding(upload) -> str | None:
    """The first encoding that decodes the whole file as text (no NUL or other control bytes
    besides tab and line ends), or None."""
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        upload.seek(0)
        try:
            while chunk := upload.read(1024 * 1024):
                if not _looks_like_text(decoder.decode(chunk)):
                    return None
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            upload.seek(0)
        return encoding
    return None


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for character in text if ord(character) < 32 and character not in "\t\r\n")
    return controls == 0


def _delimiter(sample: str) -> str:
    lines = sample.splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
    except csv.Error:
        return ","


# --- Rows -------------------------------------------------------------------------------------------


@contextlib.contextmanager
def local_path(field_file):
    """A path on this machine for a stored file: the file itself on the filesystem storage, a
    temporary copy on object storage."""
    try:
        path = field_file.path
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=PurePath(field_file.name).suffix) as copy:
        with field_file.open("rb") as source:
            while chunk := source.read(1024 * 1024):
                copy.write(chunk)
        copy.flush()
        yield copy.name


def read_rows(path: str, kind: FileKind) -> Iterator[tuple[int, list]]:
    """(row number as the spreadsheet shows it, cell values) for every row, the header row first.
    Empty rows are skipped; numbers stay numbers and dates stay dates (see `cell_text`)."""
    rows = _csv_rows(path, kind) if kind.format == "csv" else _calamine_rows(path)
    for number, values in rows:
        if any(value not in (None, "") for value in values):
            yield number, values


def _csv_rows(path: str, kind: FileKind) -> Iterator[tuple[int, list]]:
    with open(path, encoding=kind.encoding, newline="") as text:
        yield from enumerate(csv.reader(text, delimiter=kind.delimiter), start=1)


def _calamine_rows(path: str) -> Iterator[tuple[int, list]]:
    workbook = CalamineWorkbook.from_path(path)
    sheet = workbook.get_sheet_by_index(_first_worksheet(workbook))
    padding = [""] * sheet.start[1] if sheet.start else []  # rows start at the first used column
    for number, row in enumerate(sheet.iter_rows(), start=1):
        yield number, padding + row


def _first_worksheet(workbook) -> int:
    for index, metadata in enumerate(workbook.sheets_metadata):
        if str(metadata.visible).endswith("Visible") and str(metadata.typ).endswith("WorkSheet"):
            return index
    return 0


def estimate_rows(path: str, kind: FileKind) -> int:
    """Data rows (without the header), for the progress bar and for deciding whether the check
    runs in the worker, in parts side by side: counted line ends for CSV, the sheet's rows for a
    workbook (read, not taken from the size the workbook records: files written as a stream, by
    many programs, record none)."""
    if kind.format == "csv":
        with open(path, "rb") as data:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: data.read(1024 * 1024), b""))
        return max(0, lines - 1)
    workbook = CalamineWorkbook.from_path(path)
    sheet = workbook.get_sheet_by_index(_first_worksheet(workbook))
    return max(0, sheet.height - 1)


def cell_text(value) -> str:
    """A cell as the text a person would read in it: 13812345678 (a number cell) → '13812345678',
    a date cell → '2024-05-12', text stripped of surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
