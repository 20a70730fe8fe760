"""The downloadable import template of a type (CUS-7): a sheet with the columns' headers in the
user's language and an example row, a sheet explaining every column with its allowed values,
and drop-down lists on the choice columns."""

import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .definition import Importer

HEADER_FILL = PatternFill("solid", fgColor="F4D6D2")
REQUIRED_FONT = Font(bold=True, color="C0392B")
HEADER_FONT = Font(bold=True)
EXAMPLE_FONT = Font(italic=True, color="808080")


def sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31] or "Sheet"


def describe(importer: Importer, import_field) -> str:
    if import_field.help_text:
        return str(import_field.help_text)
    kind = importer.value_kind(import_field)
    return {
        "choice": _("One of the values listed on the right (the label or the code)."),
        "employee": _("The employee's username or full name. Empty: you."),
        "boolean": _("是 or 否 (yes or no)."),
        "decimal": _("A number, like 25000 or 1234.50."),
        "integer": _("A whole number."),
        "date": _("A date, like 2024-05-12 or 2024年5月12日."),
    }.get(kind, _("Text."))


def build_template(importer: Importer) -> bytes:
    workbook = Workbook()
    data = workbook.active
    data.title = sheet_title(importer.label_plural.capitalize())
    instructions = workbook.create_sheet(sheet_title(_("Instructions")))
    choices_sheet = workbook.create_sheet(sheet_title(_("Choices")))

    data.append([importer.header(f) for f in importer.fields])
    data.append(importer.example_row())
    data.freeze_panes = "A2"
    for position, import_field in enumerate(importer.fields, start=1):
        letter = get_column_letter(position)
        header = data.cell(row=1, column=position)
        header.font = REQUIRED_FONT if import_field.required else HEADER_FONT
        header.fill = HEADER_FILL
        data.cell(row=2, column=position).font = EXAMPLE_FONT
        data.column_dimensions[letter].width = max(12, min(40, len(importer.header(import_field)) * 2 + 4))
        choices = importer.choices(import_field)
        if choices:
            choice_column = get_column_letter(_next_free_column(choices_sheet))
            for row, (_code, label) in enumerate(choices, start=1):
                choices_sheet[f"{choice_column}{row}"] = label
            validation = DataValidation(
                type="list",
                formula1=f"'{choices_sheet.title}'!${choice_column}$1:${choice_column}${len(choices)}",
                allow_blank=True,
                showErrorMessage=False,
            )
            validation.add(f"{letter}2:{letter}100000")
            data.add_data_validation(validation)
        if importer.value_kind(import_field) in {"text", "employee"}:
            # Text columns keep leading zeros and long digit strings (phones, credit codes).
            for row in range(2, 1002):
                data.cell(row=row, column=position).number_format = "@"

    instructions.append([_("Column"), _("Required"), _("What to write"), _("Allowed values (label — code)")])
    for cell in instructions[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for import_field in importer.fields:
        allowed = "\n".join(f"{label} — {code}" for code, label in importer.choices(import_field))
        instructions.append(
            [
                importer.label(import_field),
                _("yes") if import_field.required else "",
                describe(importer, import_field),
                allowed,
            ]
        )
    instructions.append([])
    for note in (
        _("Row 2 of the first sheet is an example: overwrite or delete it (left unchanged, it is skipped)."),
        _("Keep the header row. Columns may be in any order; you can match them to fields after uploading."),
        _("Save as Excel Workbook (.xlsx) or as CSV (UTF-8 or GBK). Nothing is imported until every row is correct."),
    ):
        instructions.append([note])
    for letter, width in zip("ABCD", (24, 10, 60, 40), strict=True):
        instructions.column_dimensions[letter].width = width
    for row in instructions.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    choices_sheet.sheet_state = "hidden"

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _next_free_column(sheet) -> int:
    if sheet.max_column == 1 and sheet["A1"].value is None:
        return 1
    return sheet.max_column + 1
