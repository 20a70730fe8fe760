"""Record types later modules add (OPP-3): the registry of match sources the check searches beside
this app's own customers and leads, and the model behind each type."""

from collections.abc import Callable
from dataclasses import dataclass

from .scoring import DuplicateMatch

TYPES = ("customer", "lead")


@dataclass(frozen=True)
class MatchSource:
    """A kind of record kept by a later module that holds a customer too, so that the duplicate check
    (API-5's `duplicates/check/`) reports it beside customers and leads without this app importing
    that module: sales registers its open opportunity registrations (type "opportunity") from its
    AppConfig.ready().

    `find(*, org_id, name, phone, mobile, unified_social_credit_code, address, exclude, limit)` answers
    the matching records as `DuplicateMatch`es of `type`, best first, across permission scopes;
    `model()` returns the model (with `objects.visible_to(user)` and an `owner`), looked up only when
    called, so that registering imports nothing."""

    type: str
    find: Callable[..., list["DuplicateMatch"]]
    model: Callable[[], type]


_match_sources: dict[str, MatchSource] = {}


def register_match_source(source: MatchSource) -> None:
    if source.type in TYPES:
        raise ValueError(f"{source.type!r} is one of this app's own types")
    _match_sources[source.type] = source


def match_types() -> tuple[str, ...]:
    """Every type the check can search: customers, leads and the registered sources."""
    return (*TYPES, *_match_sources)


def _models_by_type() -> dict[str, type]:
    from ..models import Customer, Lead

    return {"customer": Customer, "lead": Lead, **{kind: source.model() for kind, source in _match_sources.items()}}
