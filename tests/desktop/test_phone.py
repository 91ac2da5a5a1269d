"""Phone numbers are stored as E.164, shown in local form, and garbage is refused with a reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.phone import (
    InvalidPhoneNumber,
    display_phone,
    normalize_phone,
    phone_prefix_digits,
    try_normalize_phone,
)


@pytest.mark.parametrize(
    "typed",
    ["0912345678", "0912 345 678", "0912.345.678", "84912345678", "+84912345678", "+84 91-234-5678"],
)
def test_every_way_callers_arrive_normalises_to_one_e164(typed: str) -> None:
    assert normalize_phone(typed) == "+84912345678"


def test_a_landline_keeps_its_area_code() -> None:
    stored = normalize_phone("0277 3851 234")
    assert stored == "+842773851234"
    assert display_phone(stored).replace(" ", "") == "02773851234"


def test_the_local_form_is_what_operators_read() -> None:
    assert display_phone("+84912345678") == "0912 345 678"


def test_the_hotline_short_code_is_kept_as_is() -> None:
    assert normalize_phone("1022") == "1022"
    assert display_phone("1022") == "1022"


@pytest.mark.parametrize("garbage", ["", "abc", "0123", "091234567890123", "09x2345678", "+1"])
def test_garbage_is_refused_with_a_vietnamese_reason(garbage: str) -> None:
    with pytest.raises(InvalidPhoneNumber) as refused:
        normalize_phone(garbage)
    assert any(word in str(refused.value) for word in ("số điện thoại", "Chưa nhập"))
    assert try_normalize_phone(garbage) is None


def test_prefix_digits_follow_what_is_typed() -> None:
    assert phone_prefix_digits("0912 3") == "9123"
    assert phone_prefix_digits("+84 91") == "91"
    assert phone_prefix_digits("ab") is None


@given(st.sampled_from(["3", "5", "7", "8", "9"]), st.text("0123456789", min_size=8, max_size=8))
def test_normalising_is_idempotent_and_display_round_trips(first: str, rest: str) -> None:
    stored = try_normalize_phone("0" + first + rest)
    if stored is None:
        return
    assert normalize_phone(stored) == stored
    assert normalize_phone(display_phone(stored)) == stored
