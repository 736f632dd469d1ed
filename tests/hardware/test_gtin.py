from __future__ import annotations

import pytest

from hardware.gtin import check_digit, display_gtin, gtin_problem, normalise_code, to_gtin14


@pytest.mark.parametrize("code", ["3760000000017", "96385074", "036000291452", "00012345600012"])
def test_valid_gtins_of_every_length(code: str) -> None:
    assert gtin_problem(code) is None
    assert check_digit(code[:-1]) == int(code[-1])


def test_upc_a_and_its_ean13_are_the_same_product() -> None:
    assert to_gtin14("036000291452") == to_gtin14("0036000291452") == "00036000291452"


@pytest.mark.parametrize(("code", "words"), [
    ("3760000000018", "check digit: the last digit should be 7"),
    ("37600000", "wrong check digit"),
    ("123", "has 3 digits"),
    ("37600000000A7", "only digits"),
    ("３７６００００００００１７", "only digits"),
])
def test_problems_are_explained(code: str, words: str) -> None:
    problem = gtin_problem(code)
    assert problem is not None and words in problem


def test_normalise_leaves_non_gtins_alone() -> None:
    assert normalise_code("3760000000017") == "03760000000017"
    assert normalise_code("HELLO-42") == "HELLO-42"
    with pytest.raises(ValueError):
        to_gtin14("123")


def test_display_form_drops_the_padding_zero() -> None:
    assert display_gtin("03760000000017") == "3760000000017"
    assert display_gtin("13760000000014") == "13760000000014"
