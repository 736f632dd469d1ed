"""Numbers and addresses shoppers type: E.164 for the SMS provider, clear refusals otherwise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk import i18n
from kiosk.handoff.contact import ContactError, email_address, phone_number


@pytest.mark.parametrize(("typed", "country", "e164"), [
    ("06 12 34 56 78", "FR", "+33612345678"),
    ("07.12.34.56.78", "FR", "+33712345678"),
    ("+33 6 12 34 56 78", "FR", "+33612345678"),
    ("+33 06 12 34 56 78", "FR", "+33612345678"),
    ("0033612345678", "FR", "+33612345678"),
    ("+44 7700 900123", "FR", "+447700900123"),
    ("07700 900123", "GB", "+447700900123"),
    ("0470 12 34 56", "BE", "+32470123456"),
    ("(201) 555-0123", "US", "+12015550123"),
    ("+81 90 1234 5678", "FR", "+819012345678"),
])
def test_numbers_become_e164(typed: str, country: str, e164: str) -> None:
    assert phone_number(typed, country) == e164


@pytest.mark.parametrize(("typed", "key"), [
    ("", "phone.empty"),
    ("06 12 34", "phone.invalid"),
    ("06 12 34 56 78 90", "phone.invalid"),
    ("01 23 45 67 89", "phone.not_mobile"),
    ("06-12-AB-56-78", "phone.invalid"),
    ("+0612345678", "phone.invalid"),
    ("+1234567", "phone.invalid"),
])
def test_bad_numbers_are_refused_with_a_reason(typed: str, key: str) -> None:
    with pytest.raises(ContactError) as refused:
        phone_number(typed, "FR")
    assert refused.value.key == key
    message = i18n.text(key, "fr", **refused.value.values)
    assert message and "{" not in message


@pytest.mark.parametrize(("typed", "kept"), [
    ("claire@example.com", "claire@example.com"),
    ("  Claire.Dupont+kiosk@Example.FR ", "Claire.Dupont+kiosk@example.fr"),
    ("o'neil@mail.co.uk", "o'neil@mail.co.uk"),
])
def test_addresses_are_kept_with_a_lower_case_domain(typed: str, kept: str) -> None:
    assert email_address(typed) == kept


@pytest.mark.parametrize("typed", ["claire", "claire@", "@example.com", "claire@example",
                                   "cla ire@example.com", "claire..d@example.com",
                                   "claire@-example.com", "a" * 65 + "@example.com",
                                   "claire@example.c"])
def test_bad_addresses_are_refused(typed: str) -> None:
    with pytest.raises(ContactError) as refused:
        email_address(typed)
    assert refused.value.key == "email.invalid"


@given(st.text(max_size=40))
def test_anything_typed_is_either_a_number_or_a_clear_refusal(typed: str) -> None:
    try:
        result = phone_number(typed, "FR")
    except ContactError as refused:
        assert refused.key in i18n.STRINGS
    else:
        assert result.startswith("+") and result[1:].isdigit() and len(result) <= 16
