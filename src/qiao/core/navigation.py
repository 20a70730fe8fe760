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
    """The sections and items `user` may open, in menu order. One item is marked active: of those
    whose URL starts the current path, the longest, since one module's pages may lie under
    another's (the leads under /customers/leads/ are not the customer list)."""
    visible = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        items = []
        for item in section.items:
            if item.permission is not None and not user.has_code(item.permission):
                continue
            items.append({"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "active": False})
        if items:
            visible.append({"section": section, "items": items})
    matching = [item for entry in visible for item in entry["items"] if current_path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return visible
