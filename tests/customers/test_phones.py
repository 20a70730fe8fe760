"""CUS-2 phone normalization: however a number is written, one written form; an invalid number is
None. The answers are kept (chinese._WRITTEN_PHONES), so a kept answer must be the answer."""

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
    chinese._WRITTEN_PHONES.clear()
    assert chinese.normalize_phone(text) == written
    assert chinese.normalize_phone(text) == written  # kept
    if written is not None:
        assert chinese._parse_phone(written) == written  # what the kept fixed point relies on
        assert chinese.normalize_phone(written) == written


def test_cus2_the_kept_answers_are_bounded(monkeypatch):
    monkeypatch.setattr(chinese, "WRITTEN_PHONES_KEPT", 4)
    chinese._WRITTEN_PHONES.clear()
    for number in range(10):
        chinese.normalize_phone(f"1381234{number:04d}")
    assert len(chinese._WRITTEN_PHONES) <= 5
    assert chinese.normalize_phone("13812340003") == "138 1234 0003"
