from enum import StrEnum


class ImportProblem(StrEnum):
    """Codes of the problems an import reports (CUS-7), for the file as a whole or for one row."""

    FILE_TYPE = "file_type"
    FILE_EMPTY = "file_empty"
    FILE_TOO_LARGE = "file_too_large"
    TOO_MANY_ROWS = "too_many_rows"
    NO_DATA = "no_data"
    MISSING_COLUMN = "missing_column"
    MAPPING = "mapping"
    REQUIRED = "required"
    INVALID_CHOICE = "invalid_choice"
    INVALID_NUMBER = "invalid_number"
    INVALID_DATE = "invalid_date"
    INVALID_BOOLEAN = "invalid_boolean"
    UNKNOWN_EMPLOYEE = "unknown_employee"
    AMBIGUOUS_EMPLOYEE = "ambiguous_employee"
    OUT_OF_SCOPE = "out_of_scope"
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    CHANGED = "changed"
    NOT_READY = "not_ready"
