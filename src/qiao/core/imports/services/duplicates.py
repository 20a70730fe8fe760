"""The dry run's duplicate search over all the rows it accepted, stored as duplicate findings
the uploader decides about."""

from django.utils.translation import gettext as _

from qiao.core.models import ImportIssue

from ..problems import ImportProblem
from .common import INSERT_BATCH

DUPLICATE_CHUNK = 1000


class _DuplicateSearch:
    """The part of `_Checker` (checker.py) that looks for duplicates of the accepted rows."""

    def find_duplicates(self) -> None:
        """Possible duplicates of every accepted row, among existing records and among the file's
        earlier rows, in one pass over the whole file: the type's matcher asks the database once
        per kind of key and chunk of keys, not once per row."""
        if not self.candidates:
            return
        rows = [row for _number, _summary, row in self.candidates]
        found = self.importer.find_duplicates(org_id=self.job.org_id, rows=rows)
        del rows
        message = (
            _("This row may be a customer that already exists.")
            if self.importer.code == "customer"
            else _("This row may be a record that already exists.")
        )
        for start in range(0, len(found), DUPLICATE_CHUNK):
            chunk = [(index, found[index]) for index in range(start, min(start + DUPLICATE_CHUNK, len(found)))]
            stored = [match for _index, matches in chunk for match in matches if match.type != "row"]
            shown = iter(self.importer.matches_for_user(self.actor, stored) if stored else [])
            issues = []
            for index, matches in chunk:
                if not matches:
                    continue
                described = []
                for match in matches:
                    if match.type == "row":
                        described.append(
                            {
                                "type": "row",
                                "row": self.candidates[match.id][0],
                                "name": self.candidates[match.id][1],
                                "score": match.score,
                                "reasons": [str(reason) for reason in match.reasons],
                            }
                        )
                    else:
                        described.append(_json_safe(next(shown)))
                number, summary, _row = self.candidates[index]
                issues.append(
                    ImportIssue(
                        job_id=self.job.pk,
                        kind=ImportIssue.Kind.DUPLICATE,
                        row_number=number,
                        value=summary,
                        message=message,
                        code=ImportProblem.DUPLICATE,
                        matches=described,
                        decision=ImportIssue.Decision.SKIP,
                    )
                )
            self.duplicate_rows += len(issues)
            ImportIssue.objects.bulk_create(issues, batch_size=INSERT_BATCH)


def _json_safe(value):
    """A match as the page will show it, with lazy translations and numbers made plain."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(value, 3)
    return str(value)
