"""Every URL pattern of the project, flattened, with sample arguments — for tests that must cover
every page and route (no 500 anywhere, nothing outside the server, and later: nothing out of scope)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

ROUTE_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    path: str  # in route syntax, e.g. "org/employees/<int:pk>/" (DRF's regex routes are converted)
    name: str | None

    def url(self, **values) -> str:
        """The route with its parameters filled from `values` (by name), defaulting to 1 / "x"."""

        def fill(match: re.Match) -> str:
            converter, name = match.group(1) or "str", match.group(2)
            return str(values.get(name, 1 if converter == "int" else "x"))

        return "/" + ROUTE_PARAMETER.sub(fill, self.path)


def _from_regex(pattern: str) -> str | None:
    """DRF routers write regexes (`^users/(?P<pk>[^/.]+)/$`); the format-suffix variants are skipped."""
    if "(?P<format>" in pattern or "drf_format_suffix" in pattern:
        return None
    return REGEX_GROUP.sub(lambda m: f"<{m.group(1)}>", pattern.lstrip("^").rstrip("$"))


def routes(resolver=None, prefix: str = "") -> Iterator[Route]:
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if pattern.startswith("admin/"):
                continue  # Django's own admin: platform operators only, tested by Django
            yield from routes(entry, prefix + pattern)
        elif isinstance(entry, URLPattern):
            path = _from_regex(pattern) if pattern.startswith("^") else pattern
            if path is not None and "drf_format_suffix" not in path:
                yield Route(prefix + path, entry.name)
