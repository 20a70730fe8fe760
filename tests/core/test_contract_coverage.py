"""Every registered object type has a test class inheriting the contract (DESIGN)."""

import importlib
from pathlib import Path

from qiao.core.permissions import object_types
from qiao.core.testing import ObjectTypeContract

TESTS = Path(__file__).resolve().parents[1]


def test_every_object_type_has_a_contract_test():
    for path in TESTS.glob("*/test_contract*.py"):
        importlib.import_module(".".join(path.relative_to(TESTS.parent).with_suffix("").parts))
    covered = {subclass.model for subclass in ObjectTypeContract.__subclasses__()}
    missing = [kind.code for kind in object_types() if kind.model not in covered]
    assert missing == [], f"object types without a contract test: {missing}"
