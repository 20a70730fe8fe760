"""The main navigation. Each app registers its section in `AppConfig.ready()`, so the menu holds
exactly the modules that exist, and an item shows only to holders of its permission code."""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    icon: str = "point"
    permission: str | None = None


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    icon: str
    order: int
    items: list[Item] = field(default_factory=list)


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _sections[section.key] = section


def sections_for(user, current_path: str) -> list[dict]:
    """The sections and items `user` may open, in menu order; the item whose URL starts the
    current path is marked active."""
    visible = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        items = []
        for item in section.items:
            if item.permission is not None and not user.has_code(item.permission):
                continue
            url = reverse(item.url_name)
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": current_path.startswith(url)})
        if items:
            visible.append({"section": section, "items": items})
    return visible
