"""Panels on a record's page (comments, attachments, related knowledge, team, history, and later
modules' tabs such as opportunities or contracts). Apps register them; every main object's detail
page shows the ones that apply, so a module adds its tab without editing the record's page."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: Callable  # (request, record) -> dict, or None when the panel does not apply
    order: int = 100


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels_for(request, record) -> list[dict]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(request, record)
        if context is not None:
            shown.append({"panel": panel, "context": context})
    return shown
