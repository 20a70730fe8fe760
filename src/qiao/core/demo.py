"""`qiao demo` builds one realistic organization; each app adds its part through a loader
registered here, in order, so that later modules extend the same demo."""

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLoader:
    key: str
    order: int
    load: Callable  # (organization, admin, rng: random.Random, stdout) -> None
    # (organization) -> None: removes what `demo --reset` cannot, i.e. rows that are not main
    # objects yet protect an employee (a capture form's owner); runs before the employees go.
    unload: Callable | None = None


_loaders: dict[str, DemoLoader] = {}


def register_loader(loader: DemoLoader) -> None:
    _loaders[loader.key] = loader


def loaders() -> list[DemoLoader]:
    return sorted(_loaders.values(), key=lambda loader: loader.order)


def rng() -> random.Random:
    """The same seed every time, so every demo has the same people and numbers."""
    return random.Random(20261123)
