"""Showing matches to a user (PERM-3): in full when they may open the record, otherwise only that a
clash exists and whose record it is; `DuplicateReport` is what the pages show."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .scoring import DuplicateMatch
from .sources import _models_by_type


def owner_names_as_system(matches: Iterable[DuplicateMatch]) -> dict[tuple[str, int], str]:
    """The owner's full name of each matched record ('' for the public pool): all a user learns
    about a match they may not open."""
    matches = list(matches)
    names = {}
    for kind, model in _models_by_type().items():
        ids = [match.id for match in matches if match.type == kind]
        if not ids:
            continue
        for pk, full_name in model.objects.filter(pk__in=ids).values_list("pk", "owner__full_name"):
            names[(kind, pk)] = full_name or ""
    return names


def _visible_ids(user, matches: list[DuplicateMatch]) -> set[tuple[str, int]]:
    visible = set()
    for kind, model in _models_by_type().items():
        ids = [match.id for match in matches if match.type == kind]
        if ids:
            visible |= {
                (kind, pk) for pk in model.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
            }
    return visible


def matches_for_user(user, matches: list[DuplicateMatch]) -> list[dict]:
    """The matches as `user` may see them: in full when they can open the record; otherwise only
    that a clash exists and whose record it is (id and name empty, no data in the reasons)."""
    visible = _visible_ids(user, matches)
    hidden = [match for match in matches if (match.type, match.id) not in visible]
    owners = owner_names_as_system(hidden) if hidden else {}
    shown = []
    for match in matches:
        if (match.type, match.id) in visible:
            shown.append(
                {
                    "type": match.type,
                    "id": match.id,
                    "name": match.name,
                    "score": match.score,
                    "reasons": list(match.reasons),
                    "visible": True,
                }
            )
            continue
        owner = owners.get((match.type, match.id), "")
        reason = (
            _("Matches a record you cannot see; its owner is %(owner)s.") % {"owner": owner}
            if owner
            else _("Matches a record you cannot see, in the public pool.")
        )
        shown.append(
            {
                "type": match.type,
                "id": None,
                "name": "",
                "score": match.score,
                "reasons": [reason],
                "visible": False,
                "owner": owner,
            }
        )
    return shown


@dataclass
class DuplicateReport:
    """The duplicate check's matches as `matches_for_user` shows them to one employee: in full when
    they may open the record, otherwise only that it clashes and whose it is (PERM-3). What every
    page shows (customers/_duplicate_matches.html) and what a refused save carries."""

    matches: list[dict] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.matches)

    @property
    def visible(self) -> list[dict]:
        return [match for match in self.matches if match["visible"]]

    @property
    def hidden(self) -> list[dict]:
        return [match for match in self.matches if not match["visible"]]
