"""`qiao.core.imports`: spreadsheet import and export for every object type (CUS-7). A type
declares an `Importer` (its columns and hooks) and registers it; core reads the file, maps the
columns, runs the dry run and the all-or-nothing commit, and serves the pages and the template."""

from .definition import (
    EmployeeDirectory,
    Importer,
    ImportField,
    ParseContext,
    header_key,
    importer_for,
    importers,
    parse_date,
    register_importer,
)
from .problems import ImportProblem

__all__ = [
    "EmployeeDirectory",
    "ImportField",
    "ImportProblem",
    "Importer",
    "ParseContext",
    "header_key",
    "importer_for",
    "importers",
    "parse_date",
    "register_importer",
]
