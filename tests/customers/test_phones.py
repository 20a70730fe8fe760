"""CUS-2 phone normalization: however a number is written, one written form; an invalid number is
None. A written form is its own written form: the import's duplicate search takes prepared rows'
phones as written (dedupe.make_profile(phones_written=True)) and relies on it."""

import pytest

from qiao.customers import chinese

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
