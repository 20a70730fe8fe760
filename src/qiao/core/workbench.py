"""The workbench (home page) is assembled from widgets that apps register, so each module adds
its own panel (today's schedule, hot leads, …) without the home page knowing about it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Widget:
    key: str
    template: str
    context: Callable  # (request) -> dict, or None to hide the widget for this user
    order: int = 100
    width: str = "col-12 col-xl-6"


_widgets: dict[str, Widget] = {}


def register_widget(widget: Widget) -> None:
    _widgets[widget.key] = widget


def widgets_for(request) -> list[dict]:
    rendered = []
    for widget in sorted(_widgets.values(), key=lambda w: w.order):
        context = widget.context(request)
        if context is not None:
            rendered.append({"widget": widget, "context": context})
    return rendered
