"""CUS-2 phone normalization: however a number is written, one written form; an invalid number is
None. A written form is its own written form: the import's duplicate search takes prepared rows'
phones as written (dedupe.make_profile(phones_written=True)) and relies on it."""

import random

import pytest

from qiao.customers import chinese, demo

WRITTEN = [
    ("13812345678", "138 1234 5678"),
    ("138-1234-5678", "138 1234 5678"),
    ("+86 138 1234 5678", "138 1234 5678"),
    ("００８６１３８１２３４５６７８", "138 1234 5678"),
    ("0571-88886666", "0571 8888 6666"),
    ("(0571) 8888 6666", "0571 8888 6666"),
    ("010 6552 9988", "010 6552 9988"),
    ("+1 650 253 0000", "+1 650-253-0000"),
    ("12345", None),
    ("1381234567", None),
    ("not a phone", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "written"), WRITTEN)
def test_cus2_a_phone_has_one_written_form_and_that_form_is_its_own(text, written):
    assert chinese.normalize_phone(text) == written
    if written is not None:
        assert chinese.normalize_phone(written) == written


def test_demo_landlines_are_numbers_the_archive_accepts():
    """The demo writes landlines with random local digits; some prefixes are not in use
    (021-8004…), and a demo must never stop on its own data: such a draw is drawn again."""

    class Draws(random.Random):
        def __init__(self, values):
            super().__init__(0)
            self.values = iter(values)

        def randrange(self, *args):
            return next(self.values)

    shanghai = demo.CITIES["上海"]
    assert chinese.normalize_phone("021-80046441") is None
    assert demo.landline(Draws([8, 46441, 5, 46441]), shanghai) == "021-50046441"
    rng = random.Random(1)
    for city in demo.CITIES.values():
        for _ in range(100):
            assert chinese.normalize_phone(demo.landline(rng, city)) is not None
