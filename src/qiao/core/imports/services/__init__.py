"""Every step of an import (CUS-7): upload, column mapping, the dry run ("check") and the
all-or-nothing commit, for any object type with an importer.

The dry run reads the file a batch at a time, turns each row into an unsaved record, and runs the
type's own `prepare` hook and model validation on it — the same normalization and rules as a
record saved through a page or the API (core/services.py) — then asks the type for duplicates in
the file and among existing records. It stores every finding per row, and the normalized rows it
accepted, in a compressed file. The commit reads those rows back and bulk-creates them, with their
history rows, in one transaction, re-checking after each batch that every new record is within the
importer's edit scope: a file with any error, or a batch outside that scope, imports nothing.

Files of more than `INLINE_ROWS` rows are checked and imported by the Celery worker (core/tasks.py)
while the page polls the job's progress.

One module per concern: upload.py (the file and its column mapping), steps.py (starting the check,
the duplicate decisions, starting the commit), running.py (in the request or the worker),
checker.py with rows.py and duplicates.py (the dry run), storage.py (its files), commit.py (the
commit). Callers use them through this package (`services.import_job_check`, …)."""

from .running import part_ranges, run_check, run_check_finish, run_check_part, run_commit
from .steps import import_job_check, import_job_commit, import_job_decide, rows_to_import
from .upload import import_job_create, import_job_map_columns, missing_columns

__all__ = [
    "import_job_check",
    "import_job_commit",
    "import_job_create",
    "import_job_decide",
    "import_job_map_columns",
    "missing_columns",
    "part_ranges",
    "rows_to_import",
    "run_check",
    "run_check_finish",
    "run_check_part",
    "run_commit",
]
