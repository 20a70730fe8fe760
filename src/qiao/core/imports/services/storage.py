"""The dry run's files in the default storage: gzip'd JSON lines of the accepted rows (and of
what the duplicate matcher compares), which the commit reads back."""

import tempfile
import uuid
from datetime import date, datetime
from decimal import Decimal

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone


def _store(output, suffix: str) -> str:
    return default_storage.save(f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}", File(output))


def _join(names: list[str]) -> str:
    """One file of the parts' gzip files, in order (gzip members may follow one another)."""
    if len(names) == 1:
        return names[0]
    with tempfile.TemporaryFile() as output:
        for name in names:
            with default_storage.open(name, "rb") as part:
                while chunk := part.read(1024 * 1024):
                    output.write(chunk)
        output.seek(0)
        joined = _store(output, "rows.jsonl.gz")
    for name in names:
        default_storage.delete(name)
    return joined


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value))
